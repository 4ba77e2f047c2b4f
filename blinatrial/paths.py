"""Links for many rows of one page: the URL pattern reversed once, each row's primary key put in by formatting.

    detail = pk_path("enrollment:participant-detail")
    detail(17)  # "/enrollment/participants/17/", as reverse(..., args=[17]) gives it

A list page of 25 rows reversed the same pattern 25 times; the resolver's work was most of the rows' cost.
"""

from collections.abc import Callable

from django.urls import reverse

_MARK = 987654321  # a primary key no pattern contains in its own text


def pk_path(name: str) -> Callable[[int], str]:
    """The path of the URL `name` (one integer argument: a primary key) for any key, reversed once."""
    head, sep, tail = reverse(name, args=[_MARK]).partition(str(_MARK))
    if not sep or str(_MARK) in tail:
        raise ValueError(f"{name}: the key's place in the path is not unique")

    def path(pk: int) -> str:
        return f"{head}{int(pk)}{tail}"

    return path

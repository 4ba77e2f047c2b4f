"""Translated words for the pure modules (rules, calculations, file parsers), without importing Django.

The pure modules mark their messages with these functions, named as Django's so that `makemessages` gathers them,
and read the active language through them. Settings install Django's translation functions here (`install`), as
they point `blinatrial.dates` at the active language. Until then (a script, a unit test of a rule without
Django) every message is its English text and the language is English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any


def _english(message: str) -> str:
    return message


def _english_in_context(context: str, message: str) -> str:
    return message


_functions: dict[str, Callable[..., Any]] = {
    "gettext": _english,
    "pgettext": _english_in_context,
    "gettext_lazy": _english,
    "pgettext_lazy": _english_in_context,
    "get_language": lambda: None,
    "override": lambda language: nullcontext(),
}


def install(**functions: Callable[..., Any]) -> None:
    """Use these translation functions (Django's gettext, pgettext, gettext_lazy, pgettext_lazy, get_language,
    override) from now on."""
    unknown = set(functions) - set(_functions)
    if unknown:
        raise TypeError(f"unknown translation functions: {sorted(unknown)}")
    _functions.update(functions)


def gettext(message: str) -> str:
    return _functions["gettext"](message)


def pgettext(context: str, message: str) -> str:
    return _functions["pgettext"](context, message)


def gettext_lazy(message: str) -> Any:
    """A message translated when it is shown (a module-level label): Django's lazy text once installed."""
    return _functions["gettext_lazy"](message)


def pgettext_lazy(context: str, message: str) -> Any:
    return _functions["pgettext_lazy"](context, message)


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogue and leaves it English (it is stored, and translated where shown)."""
    return message


def get_language() -> str | None:
    return _functions["get_language"]()


@contextmanager
def override(language: str) -> Iterator[None]:
    """Run the block in `language` (English for what is stored), as Django's translation.override."""
    manager: AbstractContextManager = _functions["override"](language)
    with manager:
        yield

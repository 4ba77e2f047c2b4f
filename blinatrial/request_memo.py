"""Loads shared by the parts of one page (e.g. the casebook's sections): read once, used by each.

A page opens a scope with ``shared_loads()``; inside it ``memoized(key, load)`` runs ``load`` once per key and
hands every later caller the same (read-only) result. Outside a scope it simply calls ``load``: a section or a
derivation used on its own behaves as before. The scope is the page's own (a context variable, reset on exit),
so nothing is shared between requests, users or sites, and nothing outlives the page.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_scope: ContextVar[dict | None] = ContextVar("blinatrial_request_memo", default=None)


@contextmanager
def shared_loads() -> Iterator[None]:
    """Within this block, ``memoized`` loads each key once."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def memoized(key: Hashable, load: Callable[[], T]) -> T:
    """``load()``, once per key within a ``shared_loads`` scope (the result must not be modified by callers)."""
    cache = _scope.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]

"""Who and why of the audit rows a block of code writes, in a context of its own.

django-pghistory's request middleware opens one context per request, and a nested `pghistory.context`
only *adds* to it: two writes in one request with different reasons (a correction, then the edit-check
query it closes, or a signature it invalidates) would end up sharing the last reason. `own_context`
gives a block its own context row (keeping the request's metadata, e.g. the URL), so each write keeps
its own user and reason.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pghistory
from pghistory import runtime


@contextmanager
def own_context(**metadata) -> Iterator[None]:
    outer = getattr(runtime._tracker, "value", None)
    if outer is not None:
        del runtime._tracker.value
    try:
        inherited = {k: v for k, v in (outer.metadata if outer else {}).items() if k not in ("user", "reason")}
        with pghistory.context(**inherited, **metadata):
            yield
    finally:
        if outer is not None:
            runtime._tracker.value = outer

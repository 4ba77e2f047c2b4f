"""The home page's work lists: a registry the apps fill, so the ground knows no clinical app.

Each app registers small providers from its `AppConfig.ready()` (like the edit checks and casebook
sections): a provider is a function of the user that returns one `WorkList`, reading in a fixed number
of queries whatever the number of participants, and only through the user's site scope. The home page
asks the registry for the lists of the user's roles, in order.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_ITEMS = 10  # items shown per list; the count says how many there are, the link opens the full page


@dataclass(frozen=True)
class WorkItem:
    label: str  # in words: "01-003 · Cycle 1 · Day 8 visit"
    url: str  # one click from the form or page that settles it
    note: str = ""  # "overdue since 2026-03-02"
    urgent: bool = False


@dataclass
class WorkList:
    key: str
    title: str
    items: list[WorkItem]
    total: int
    more_url: str | None = None
    empty: str | Promise = _("Nothing to do.")  # a provider's words are translated, lazily or when it runs
    order: int = 100
    hint: str = ""
    shown: list[WorkItem] = field(init=False)

    def __post_init__(self) -> None:
        self.shown = self.items[:MAX_ITEMS]


@dataclass(frozen=True)
class Provider:
    key: str
    roles: tuple[str, ...]
    order: int
    build: Callable[[object], WorkList]


REGISTRY: dict[str, Provider] = {}


def register(key: str, *, roles: tuple[str, ...], order: int = 100) -> Callable:
    """Decorator: `@register("visits-due", roles=(COORDINATOR,), order=10)` over `def f(user) -> WorkList`."""

    def decorator(func: Callable[[object], WorkList]) -> Callable[[object], WorkList]:
        REGISTRY[key] = Provider(key=key, roles=roles, order=order, build=func)
        return func

    return decorator


def providers_for(roles: frozenset[str]) -> list[Provider]:
    """The providers of any of `roles`, each once, in order."""
    wanted = [p for p in REGISTRY.values() if roles & set(p.roles)]
    return sorted(wanted, key=lambda p: (p.order, p.key))


def work_lists(user, roles: frozenset[str]) -> list[WorkList]:
    lists = []
    for provider in providers_for(roles):
        work = provider.build(user)
        work.order = provider.order
        lists.append(work)
    return lists

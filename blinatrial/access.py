"""Roles, site scoping and navigation: who may see and do what.

Every view that shows trial data fetches it through `SiteScopedQuerySet.visible_to(user)`, so an
object of another site is a 404 everywhere, in lists, searches, casebooks and forms.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy, pgettext

_ = gettext_lazy

COORDINATOR = "Site coordinator"
INVESTIGATOR = "Investigator"
DATA_MANAGER = "Data manager"
MONITOR = "Monitor"
ROLES = (COORDINATOR, INVESTIGATOR, DATA_MANAGER, MONITOR)
DATA_ENTRY_ROLES = (COORDINATOR, INVESTIGATOR, DATA_MANAGER)  # who enters and corrects data; monitors never
# The roles that sign and lock must sign in with a second factor; the others may.
TWO_FACTOR_ROLES = (INVESTIGATOR, DATA_MANAGER)



def user_roles(user) -> frozenset[str]:
    """The trial roles of a user (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_trial_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._trial_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return user.is_superuser or bool(user_roles(user) & set(roles))


def two_factor_required(user) -> bool:
    return bool(user_roles(user) & set(TWO_FACTOR_ROLES))


def has_second_factor(user) -> bool:
    """The user has a confirmed authenticator (recovery codes are issued with it, never alone)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# The names people read of the roles (the group names above are stored codes and never change).
ROLE_LABELS = {
    COORDINATOR: _("Site coordinator"),
    INVESTIGATOR: _("Investigator"),
    DATA_MANAGER: _("Data manager"),
    MONITOR: _("Monitor"),
}

ROLE_PLURALS = {
    COORDINATOR: _("site coordinators"),
    INVESTIGATOR: _("investigators"),
    DATA_MANAGER: _("data managers"),
    MONITOR: _("monitors"),
}


def role_label(role: str) -> str:
    """A role's name in the interface language (a group that is no trial role is shown as named)."""
    return str(ROLE_LABELS.get(role, role))


def word_list(words: list[str]) -> str:
    """"a", "a and b", "a, b and c" (in Chinese "a、b和c")."""
    words = [str(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    first = pgettext("between the items of a list", ", ").join(words[:-1])
    return gettext("%(first)s and %(last)s") % {"first": first, "last": words[-1]}


def refusal(roles: Iterable[str]) -> str:
    """What a 403 says: whom the page is for, and whom to ask (roles are given by a data manager)."""
    names = [ROLE_PLURALS[r] for r in ROLES if r in set(roles)]
    if not names:
        return gettext("This page is for administrators. Ask your data manager if you need what it shows.")
    return gettext(
        "This page is for %(who)s. Ask your data manager if you need that role, "
        "or ask someone who has it to do this for you."
    ) % {"who": word_list(names)}


def role_required(*roles: str) -> Callable:
    """View decorator: 403 unless the user has one of `roles` (superusers pass)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied(refusal(roles))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def prime(
    user,
    *,
    roles: Iterable[str],
    site_ids: Iterable[int],
    all_sites: bool,
    site_zones: Iterable[tuple[str, str]] = (),
    language: str = "",
) -> None:
    """Set the per-request caches of `user_roles`, `visible_site_ids`, `display_zone` and `preferred_language`
    from facts read with the user (site_zones: the code and time zone of each of the user's sites)."""
    user._trial_roles = frozenset(roles)
    user._preferred_language = language
    user._visible_site_ids = None if user.is_superuser or all_sites else sorted(site_ids)
    user._site_zones = list(site_zones)


def preferred_language(user) -> str:
    """The interface language the user chose on their profile ("" when they follow the browser), as read with
    the user by blinatrial.auth."""
    return getattr(user, "_preferred_language", "") or ""


def display_zone(user) -> tuple[str, str] | None:
    """(site code, IANA zone) of the one site a user sees, in whose zone every page shows times; None for a user
    of several or all sites (each record's form shows its own site's zone) or one not loaded with its sites."""
    zones = getattr(user, "_site_zones", None)
    if not zones or len(zones) != 1 or visible_site_ids(user) is None:
        return None
    return zones[0]


def visible_site_ids(user) -> list[int] | None:
    """Site ids the user may see; None means every site (superuser or all-sites assignment)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_visible_site_ids", "unset")
    if cached != "unset":
        return cached
    profile = getattr(user, "staff_profile", None) if hasattr(user, "staff_profile") else None
    if user.is_superuser or (profile is not None and profile.all_sites):
        ids = None
    else:
        ids = list(user.trial_sites.values_list("pk", flat=True))
    user._visible_site_ids = ids
    return ids


class SiteScopedQuerySet(models.QuerySet):
    """`visible_to(user)`: live (not soft-deleted) rows of the sites the user may see.

    A model declares `site_lookup`, the path from it to `enrollment.Site` ("site",
    "participant__site", "cycle__participant__site", ...).
    """

    def live(self) -> "SiteScopedQuerySet":
        if any(f.name == "is_deleted" for f in self.model._meta.get_fields()):
            return self.filter(is_deleted=False)
        return self

    def sites_q(self, site_ids: Iterable[int] | None) -> models.Q:
        """The condition "belongs to one of `site_ids`" (None: every site), for a filter or a conditional count."""
        if site_ids is None:
            return models.Q()
        return models.Q(**{f"{self.model.site_lookup}__in": list(site_ids)})

    def for_sites(self, site_ids: Iterable[int] | None) -> "SiteScopedQuerySet":
        return self.filter(self.sites_q(site_ids))

    def visible_to(self, user) -> "SiteScopedQuerySet":
        return self.live().for_sites(visible_site_ids(user))


NAV_ITEMS = (
    # (label, url name, roles allowed)
    (_("Screening log"), "enrollment:screening-list", (COORDINATOR, INVESTIGATOR, DATA_MANAGER, MONITOR)),
    (_("Participants"), "enrollment:participant-list", (COORDINATOR, INVESTIGATOR, DATA_MANAGER, MONITOR)),
    (_("Due visits"), "cycles:due-visits", (COORDINATOR, INVESTIGATOR, DATA_MANAGER, MONITOR)),
    (_("Status matrix"), "assessments:status-matrix", (COORDINATOR, INVESTIGATOR, DATA_MANAGER, MONITOR)),
    (_("Import lab results"), "assessments:lab-import", DATA_ENTRY_ROLES),
    (_("SAE list"), "safety:sae-list", (COORDINATOR, INVESTIGATOR, DATA_MANAGER)),
    (_("Endpoints"), "endpoints:dashboard", (INVESTIGATOR, DATA_MANAGER, MONITOR)),
    (_("Queries"), "integrity:query-list", (COORDINATOR, INVESTIGATOR, DATA_MANAGER, MONITOR)),
    (_("Audit trail"), "integrity:audit-list", (DATA_MANAGER, MONITOR)),
    (_("Source data verification"), "integrity:sdv-progress", (DATA_MANAGER, MONITOR)),
    (_("Locks"), "integrity:lock-list", (DATA_MANAGER,)),
    (_("Security log"), "integrity:security-log", (DATA_MANAGER,)),
    (_("Study settings"), "enrollment:study-settings", (DATA_MANAGER,)),
    (_("Snapshots"), "exports:snapshot-list", (DATA_MANAGER, MONITOR)),
)


def menu_for(user) -> list[tuple[str, str]]:
    """(label, url name) of the menu entries the user's roles may use."""
    return [(label, url_name) for label, url_name, roles in NAV_ITEMS if has_role(user, *roles)]


def navigation(request: HttpRequest) -> dict:
    """Template context: the menu entries the current user's role may use (built once per request: a page
    whose sections render templates of their own asks again for each)."""
    from django.urls import reverse

    cached = getattr(request, "_trial_navigation", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": []}
    items = [{"label": label, "url": reverse(url_name)} for label, url_name in menu_for(user)]
    roles = [role_label(role) for role in sorted(user_roles(user))]
    request._trial_navigation = {"nav_items": items, "user_roles": roles}
    return request._trial_navigation

"""security_events.csv of a snapshot: the security event log (integrity.SecurityEvent).

A snapshot of some sites holds the events of the accounts assigned to those sites; a snapshot of every site holds
every event (failed sign-ins with unknown usernames included). `site` names the account's sites within the
snapshot's (an account may work at several)."""

from collections import defaultdict
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop

from enrollment.models import Site
from integrity.cells import CODE, DATETIME, TEXT, Column
from integrity.models import SecurityEvent, SecurityEventKind

SECURITY_EVENTS = "security_events.csv"
SECURITY_EVENT_COLUMNS = (
    Column("occurred_at", DATETIME, gettext_noop("When the event happened (UTC)")),
    Column(
        "event",
        CODE,
        gettext_noop("What happened"),
        allowed_values="; ".join(f"{value}={label}" for value, label in SecurityEventKind.choices),
    ),
    Column("username", TEXT, gettext_noop("The account concerned (as typed, for a failed sign-in)")),
    Column("site", TEXT, gettext_noop("Site codes of the account (within the snapshot's sites), ';'-separated")),
    Column(
        "by", TEXT, gettext_noop("Who made the change, when not the account itself (e.g. an administrator's reset)")
    ),
    Column("ip_address", TEXT, gettext_noop("The client's address")),
    Column("detail", TEXT, gettext_noop("Detail (role, site, device, snapshot)")),
)


def security_event_rows(site_ids: list[int] | None, usernames: dict[int, str]) -> Iterator[tuple]:
    events = SecurityEvent.objects.order_by("occurred_at", "id")
    if site_ids is not None:
        accounts = get_user_model()._base_manager.filter(trial_sites__in=site_ids).values("pk")
        events = events.filter(user__in=accounts)
    sites = _site_codes(site_ids)
    for at, kind, username, user_id, actor_id, ip, detail in events.values_list(
        "occurred_at", "kind", "username", "user_id", "actor_id", "ip_address", "detail"
    ).iterator(chunk_size=2000):
        yield at, kind, username, sites.get(user_id, ""), usernames.get(actor_id), ip, detail


def _site_codes(site_ids: list[int] | None) -> dict[int, str]:
    """user pk -> "01;02": the sites of each account (those of `site_ids` only, when given)."""
    pairs = Site.objects.filter(users__isnull=False).order_by("code")
    if site_ids is not None:
        pairs = pairs.filter(pk__in=site_ids)
    codes: dict[int, list[str]] = defaultdict(list)
    for user_id, code in pairs.values_list("users", "code"):
        codes[user_id].append(code)
    return {user_id: ";".join(c) for user_id, c in codes.items()}

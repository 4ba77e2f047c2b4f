"""security_events.csv of a snapshot: the security event log (integrity.SecurityEvent).

A snapshot of some sites holds the events of the accounts assigned to those sites; a snapshot of every site holds
every event (failed sign-ins with unknown usernames included)."""

from collections.abc import Iterator

from django.contrib.auth import get_user_model

from integrity.cells import CODE, DATETIME, TEXT, Column
from integrity.models import SecurityEvent, SecurityEventKind

SECURITY_EVENTS = "security_events.csv"
SECURITY_EVENT_COLUMNS = (
    Column("occurred_at", DATETIME, "When the event happened (UTC)"),
    Column(
        "event",
        CODE,
        "What happened",
        allowed_values="; ".join(f"{value}={label}" for value, label in SecurityEventKind.choices),
    ),
    Column("username", TEXT, "The account concerned (as typed, for a failed sign-in)"),
    Column("by", TEXT, "Who made the change, when not the account itself (e.g. an administrator's reset)"),
    Column("ip_address", TEXT, "The client's address"),
    Column("detail", TEXT, "Detail (role, site, device, snapshot)"),
)


def security_event_rows(site_ids: list[int] | None, usernames: dict[int, str]) -> Iterator[tuple]:
    events = SecurityEvent.objects.order_by("occurred_at", "id")
    if site_ids is not None:
        accounts = get_user_model()._base_manager.filter(trial_sites__in=site_ids).values("pk")
        events = events.filter(user__in=accounts)
    for at, kind, username, actor_id, ip, detail in events.values_list(
        "occurred_at", "kind", "username", "actor_id", "ip_address", "detail"
    ).iterator(chunk_size=2000):
        yield at, kind, username, usernames.get(actor_id), ip, detail

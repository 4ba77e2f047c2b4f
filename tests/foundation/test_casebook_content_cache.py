"""Issue 18: the casebook's content is rendered once per participant and versions, then served from the cache
(Redis in production, as here), and never served stale: every committed change to a table it shows, by any
write path (raw SQL included), bumps a version in the key; content that changes with the clock is not cached; a
cache that fails costs the cache, not the page."""

import datetime
import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from blinatrial.settings import redis_cache
from enrollment import casebook_cache, services
from enrollment.models import Participant
from tests.factories.cycles import SegmentFactory, start_cycle
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory
from tests.factories.integrity import DataQueryFactory
from tests.redis_server import private_redis

pytestmark = pytest.mark.django_db

FROM_THE_CACHE = 4  # session, user, the participant (site scope), the versions


@pytest.fixture
def redis_page_cache(settings):
    """The production cache settings, on a private redis-server the test may stop."""
    with private_redis() as server:
        settings.CACHES = {"default": redis_cache(server.url, 0.3)}
        yield server


@pytest.fixture
def participant(site_a, coordinator) -> Participant:
    screening = ScreeningFactory(site=site_a, status="enrolled", screened_on=_days_ago(40))
    participant = ParticipantFactory(screening=screening, site=site_a, enrolled_on=_days_ago(35))
    services.change_status(participant=participant, to_status="on_treatment", on=_days_ago(30), user=coordinator)
    return participant


def _days_ago(n: int) -> datetime.date:
    return datetime.date.today() - datetime.timedelta(days=n)


def _url(participant: Participant) -> str:
    return reverse("enrollment:participant-detail", args=[participant.pk])


def _main(response) -> str:
    """The page's content (the menu and its CSRF token, fresh on every request, left aside)."""
    page = response.content.decode()
    return page[page.index("<main"):page.index("</main>")]


def _get(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return _main(response), len(ctx.captured_queries)


def test_a_second_request_is_served_from_the_cache_with_the_same_content(
    coordinator_client, participant, redis_page_cache
):
    first, rendered = _get(coordinator_client, _url(participant))
    again, cached = _get(coordinator_client, _url(participant))
    assert again == first
    assert cached == FROM_THE_CACHE < rendered


def test_a_clinical_change_by_raw_sql_shows_on_the_next_request(coordinator_client, participant, redis_page_cache):
    before, _ = _get(coordinator_client, _url(participant))
    assert "81.5 kg" not in before
    with connection.cursor() as cursor:  # no ORM, no signal: only the table's trigger knows
        cursor.execute("UPDATE enrollment_participant SET weight_kg = 81.5 WHERE id = %s", [participant.pk])
    after, queries = _get(coordinator_client, _url(participant))
    assert "81.5 kg" in after and queries > FROM_THE_CACHE


def test_a_change_to_a_shown_table_that_is_not_clinical_shows_on_the_next_request(
    coordinator_client, coordinator, participant, redis_page_cache
):
    before, _ = _get(coordinator_client, _url(participant))
    assert coordinator.username in before  # the status history names who changed the status
    with connection.cursor() as cursor:
        cursor.execute("UPDATE auth_user SET username = 'renamed-coordinator' WHERE id = %s", [coordinator.pk])
    renamed, _ = _get(coordinator_client, _url(participant))
    assert "renamed-coordinator" in renamed

    DataQueryFactory(record=participant, text="Is the weight from the same scale?")
    queried, _ = _get(coordinator_client, _url(participant))
    assert "Is the weight from the same scale?" in queried


def test_content_that_changes_with_the_clock_is_never_cached(
    coordinator_client, participant, coordinator, redis_page_cache
):
    cycle = start_cycle(participant, _days_ago(2), user=coordinator)
    SegmentFactory(cycle=cycle, stopped_at=None)  # blinatumomab still running: its delivered dose grows by the hour
    _, rendered = _get(coordinator_client, _url(participant))
    _, again = _get(coordinator_client, _url(participant))
    assert rendered > FROM_THE_CACHE and again > FROM_THE_CACHE  # rendered both times


def test_a_failed_cache_means_the_page_is_rendered(coordinator_client, participant, redis_page_cache, caplog):
    _get(coordinator_client, _url(participant))
    redis_page_cache.stop()
    page, queries = _get(coordinator_client, _url(participant))
    assert 'data-testid="casebook-header"' in page and queries > FROM_THE_CACHE
    assert "cache read failed" in caplog.text


def test_the_key_holds_the_participant_user_language_day_url_and_versions(
    participant, coordinator, investigator, site_a
):
    other = ParticipantFactory(screening__site=site_a)

    def key(user, path="/participants/1/", language="en-gb", pk=participant.pk):
        request = RequestFactory().get(path)
        request.user = user
        with translation.override(language):
            return casebook_cache.content_key(request, pk)

    base = key(coordinator)
    assert base == key(coordinator)
    assert len({
        base, key(investigator), key(coordinator, language="zh-hans"), key(coordinator, path="/participants/1/?next=x"),
        key(coordinator, pk=other.pk),
    }) == 5
    with connection.cursor() as cursor:
        cursor.execute("UPDATE enrollment_site SET name = name || ' ' WHERE id = %s", [site_a.pk])
    assert key(coordinator) != base


# --- Every table a page shows bumps a version --------------------------------------------------------------------

# Tables no page's content is built from, each with why. A new table must be clinical, carry the display
# version's trigger (integrity.display_version.install, in its app's migration), or be listed here.
NOT_SHOWN = {
    "django_session": "sessions: who is signed in, not what a page shows",
    "django_migrations": "written by migrate only",
    "django_content_type": "written by migrate only",
    "django_admin_log": "the admin's own log",
    "axes_accessattempt": "sign-in throttling",
    "axes_accessattemptexpiration": "sign-in throttling",
    "axes_accessfailurelog": "sign-in throttling",
    "axes_accesslog": "sign-in throttling",
    "otp_static_staticdevice": "second factor devices",
    "otp_static_statictoken": "second factor devices",
    "otp_totp_totpdevice": "second factor devices",
    "api_apitoken": "API credentials",
    "integrity_dataversion": "the versions themselves",
    "integrity_formsubmission": "one-time form tokens",
    "integrity_participantchange": "the endpoint engine's queue",
    "integrity_securityevent": "the security log page reads it live, never cached",
    "pghistory_context": "audit context, written only with an audited change",
    "endpoints_endpointcurve": "endpoint results: the dashboard keys its cache by its own snapshot",
    "endpoints_dashboardpanel": "endpoint results: the dashboard keys its cache by its own snapshot",
    "endpoints_endpointsnapshot": "endpoint results: the dashboard keys its cache by its own snapshot",
    "endpoints_participantresult": "endpoint results: the dashboard keys its cache by its own snapshot",
    "endpoints_recomputerun": "endpoint results: the dashboard keys its cache by its own snapshot",
    "exports_snapshot": "export files, shown live",
    "exports_snapshotdownload": "export downloads, shown live",
}


def _tables_and_triggers() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
        )
        tables: dict[str, set[str]] = {}
        for table, trigger in cursor.fetchall():
            tables.setdefault(table, set()).add(trigger or "")
    return tables


def _event_tables() -> set[str]:
    """The audit trail's tables (pghistory events): written only by the triggers of the table they audit."""
    import pghistory.models
    from django.apps import apps

    return {m._meta.db_table for m in apps.get_models() if issubclass(m, pghistory.models.Event)}


def _versioned(tables: dict[str, set[str]]) -> set[str]:
    return {
        table for table, triggers in tables.items()
        if any("bump_data_version" in t or t == "bump_display_version" for t in triggers)
    }


def test_every_table_is_versioned_an_audit_trail_or_listed_as_not_shown():
    tables = _tables_and_triggers()
    unaccounted = set(tables) - _versioned(tables) - _event_tables() - set(NOT_SHOWN)
    assert not unaccounted, f"tables that bump no version: {sorted(unaccounted)}"
    assert not set(NOT_SHOWN) - set(tables), "NOT_SHOWN names a table that is gone"


# Read on every request for who is asking (the session, the second factor), for the key itself, and rows that
# only migrate writes (a record's kind).
SIGN_IN_AND_KEY = {"django_session", "otp_totp_totpdevice", "otp_static_staticdevice", "integrity_dataversion",
                   "django_content_type"}


def test_the_casebook_reads_only_versioned_tables(coordinator_client, participant, coordinator):
    start_cycle(participant, _days_ago(20), user=coordinator)
    DataQueryFactory(record=participant)
    tables = _tables_and_triggers()
    with CaptureQueriesContext(connection) as ctx:
        assert coordinator_client.get(_url(participant)).status_code == 200
    read = {name for q in ctx.captured_queries for name in re.findall(r'"(\w+)"', q["sql"]) if name in tables}
    assert read, "no table recognised in the casebook's queries"
    unversioned = read - _versioned(tables) - _event_tables() - SIGN_IN_AND_KEY
    assert not unversioned, f"the casebook reads tables that bump no version: {sorted(unversioned)}"

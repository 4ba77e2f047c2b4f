"""The rendered dashboard is reused while nothing it shows has changed, and never beyond that: roles, sites,
the stored result and the data version are read on every request."""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blinatrial import access
from integrity.models import DataVersion
from tests.endpoints.conftest import page_text
from tests.factories.endpoints import HAND_CUTOFF, HAND_FUNNEL, hand_cohort, store_synthetic_snapshot

URL = reverse("endpoints:dashboard") + f"?cutoff={HAND_CUTOFF.isoformat()}"
B1 = reverse("participant-count")


def queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return len(ctx.captured_queries), response


def test_a_repeated_dashboard_makes_no_more_queries_than_the_one_count_view(monitor_client, hand_snapshot):
    monitor_client.get(URL)  # the first page sets the CSRF cookie, which is part of the cache key
    first, rendered = queries(monitor_client, URL)
    again, cached = queries(monitor_client, URL)
    baseline, _ = queries(monitor_client, B1)
    assert cached.content == rendered.content and "EOC1 2/3" in page_text(cached)
    assert again < first
    assert again <= baseline


def test_a_monitor_taken_off_the_site_sees_no_results_on_the_next_request(monitor, monitor_client, hand_snapshot):
    assert b'data-scope="01"' in monitor_client.get(URL).content
    monitor.trial_sites.clear()
    response = monitor_client.get(URL)
    assert b'data-scope="01"' not in response.content and "not assigned to any site" in page_text(response)


def test_a_user_whose_role_is_withdrawn_is_refused_on_the_next_request(monitor, monitor_client, hand_snapshot):
    assert monitor_client.get(URL).status_code == 200
    monitor.groups.remove(Group.objects.get(name=access.MONITOR))
    assert monitor_client.get(URL).status_code == 403


def test_a_data_change_shows_the_stale_banner_on_the_next_request(monitor_client, hand_snapshot):
    assert b"stale-banner" not in monitor_client.get(URL).content
    DataVersion.objects.filter(pk=1).update(version=hand_snapshot.data_version + 1)
    assert b"stale-banner" in monitor_client.get(URL).content


def test_a_new_result_replaces_the_page_on_the_next_request(monitor_client, hand_snapshot, hand_participants):
    assert "EOC1 2/3" in page_text(monitor_client.get(URL))
    ids = [p.participant_id for p in hand_participants]
    cohort = hand_cohort(ids[:3], ids[3:])
    fewer = type(cohort)(participants=cohort.participants[1:], site_of=cohort.site_of)  # A left site 01's results
    DataVersion.objects.filter(pk=1).update(version=hand_snapshot.data_version + 1)
    store_synthetic_snapshot(fewer, HAND_CUTOFF, funnel=HAND_FUNNEL)
    assert "EOC1 1/2" in page_text(monitor_client.get(URL))

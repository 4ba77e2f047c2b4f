"""Site isolation (404 for another site's data) and read-only monitors (403 on every write view)."""

import datetime

import pytest
from django.urls import reverse

from cycles.models import Cycle
from tests.factories.cycles import SegmentFactory, TransplantFactory, start_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle_b(participant_b, today, coordinator_b):
    return start_cycle(participant_b, today - datetime.timedelta(days=5), coordinator_b)


def urls_for(cycle):
    adm = cycle.administrations.first()
    seg = SegmentFactory(cycle=cycle)
    tx = TransplantFactory(participant=cycle.participant)
    return {
        "read": [
            reverse("cycles:participant-calendar", args=[cycle.participant_id]),
            reverse("cycles:cycle-detail", args=[cycle.pk]),
        ],
        "write": [
            reverse("cycles:cycle-start", args=[cycle.participant_id]),
            reverse("cycles:cycle-edit", args=[cycle.pk]),
            reverse("cycles:administration-record", args=[adm.pk]),
            reverse("cycles:segment-add", args=[cycle.pk]),
            reverse("cycles:segment-edit", args=[seg.pk]),
            reverse("cycles:transplant-add", args=[cycle.participant_id]),
            reverse("cycles:transplant-edit", args=[tx.pk]),
            reverse("cycles:visit-record", args=[cycle.pk, "D8"]),
        ],
    }


def test_other_site_gets_404_when_fetching_any_cycles_page(coordinator_client, cycle_b):
    urls = urls_for(cycle_b)
    for url in urls["read"] + urls["write"]:
        assert coordinator_client.get(url).status_code == 404, url
    for url in urls["write"]:
        assert coordinator_client.post(url, {}).status_code == 404, url
    for url in urls["read"]:  # a page that only shows refuses a POST before it looks anything up
        assert coordinator_client.post(url, {}).status_code == 405, url


def test_due_visits_hides_other_site_when_listing(coordinator_client, coordinator_b_client, cycle_b):
    mine = coordinator_client.get(reverse("cycles:due-visits") + "?show=all")
    theirs = coordinator_b_client.get(reverse("cycles:due-visits") + "?show=all")
    assert mine.context["rows"] == []
    assert {c.pk for c, _ in theirs.context["rows"]} == {cycle_b.pk}


def test_monitor_is_read_only_when_opening_write_views(monitor_client, participant, today, coordinator):
    cycle = start_cycle(participant, today - datetime.timedelta(days=5), coordinator)
    urls = urls_for(cycle)
    for url in urls["read"]:
        assert monitor_client.get(url).status_code == 200, url
    for url in urls["write"]:
        # a saved record opens read-only for review (issue 17); adding is refused; a POST always
        if "/add/" in url or "/start/" in url or url.endswith("/D8/"):
            assert monitor_client.get(url).status_code == 403, url
        else:
            assert 'data-read-only="true"' in monitor_client.get(url).content.decode(), url
        assert monitor_client.post(url, {"day1_on": "2026-01-01"}).status_code == 403, url
    assert Cycle.objects.count() == 1
    assert b"Start cycle" not in monitor_client.get(urls["read"][0]).content

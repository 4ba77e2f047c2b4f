"""Cycle page flags what needs a query (rate above step, missing premedication, > 7-day interruption);
a rate above the protocol maximum is refused."""

import datetime

import pytest
from django.urls import reverse

from cycles.models import BlinatumomabSegment
from tests.factories.cycles import SegmentFactory, start_cycle

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def at(day, hour=8):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def test_cycle_page_flags_queries_when_infusion_deviates(coordinator_client, participant, today, coordinator):
    cycle = start_cycle(participant, today - D(days=25), coordinator)
    d = cycle.day1_on
    SegmentFactory(cycle=cycle, started_at=at(d), stopped_at=at(d + D(days=1)), rate_mcg_per_day=28)  # no premed
    SegmentFactory(cycle=cycle, started_at=at(d + D(days=10)), stopped_at=at(d + D(days=12)), rate_mcg_per_day=28)
    page = coordinator_client.get(reverse("cycles:cycle-detail", args=[cycle.pk]))
    html = page.content.decode()
    assert 'data-testid="blina-rate-query"' in html  # 28 ug/day on day 1 of cycle 1
    assert 'data-testid="blina-premed-missing"' in html
    assert 'data-testid="blina-new-cycle"' in html  # 9-day gap
    assert page.context["blina"].interruption_total_hours == 216


def test_segment_refused_when_rate_above_protocol_maximum(coordinator_client, participant, today, coordinator):
    cycle = start_cycle(participant, today - D(days=5), coordinator)
    data = {
        "started_at": f"{cycle.day1_on.isoformat()}T08:00",
        "stopped_at": "",
        "rate_mcg_per_day": "30",
        "stop_reason": "",
    }
    response = coordinator_client.post(reverse("cycles:segment-add", args=[cycle.pk]), data)
    assert "maximum of 28" in response.context["form"].errors["rate_mcg_per_day"][0]
    assert not BlinatumomabSegment.objects.exists()

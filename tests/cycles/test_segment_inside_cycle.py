"""Blinatumomab segments stay inside their cycle (issue 14, DOMAIN 2.2): from the cycle's day 1 to its bound, the
next cycle's day 1 when there is one, else day 28 + the longest break the protocol allows (7 days). Refused
through the view with a message naming the bound, nothing saved; an edit check flags existing segments."""

import datetime

import pytest
from django.urls import reverse

from cycles import rules
from cycles.models import BlinatumomabSegment
from integrity import edit_checks
from integrity.models import DataQuery, QueryStatus
from tests.dates import read
from tests.factories.cycles import SegmentFactory, start_cycle

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def _post(client, cycle, start, stop, rate="28"):
    data = {
        "started_at": start.strftime("%Y-%m-%dT%H:%M"),
        "stopped_at": stop.strftime("%Y-%m-%dT%H:%M") if stop else "",
        "rate_mcg_per_day": rate,
        "stop_reason": "bag_change" if stop else "",
        "premedication_at": "",
    }
    return client.post(reverse("cycles:segment-add", args=[cycle.pk]), data)


@pytest.fixture
def two_cycles(participant, today, coordinator):
    c1 = start_cycle(participant, participant.enrolled_on + D(days=1), coordinator)
    c2 = start_cycle(participant, c1.day1_on + D(days=28), coordinator)  # cycle 2 day 1 = cycle 1 day 29
    return c1, c2


def test_a_segment_after_the_next_cycles_day_1_is_refused_through_the_view(coordinator_client, two_cycles):
    c1, c2 = two_cycles
    start = at(c2.day1_on + D(days=8), 8)  # issue 14: a cycle-1 segment well after cycle 2 began

    response = _post(coordinator_client, c1, start, start + D(hours=48))

    assert response.status_code == 400
    assert response.context["form"].errors["started_at"] == [
        f"Outside cycle 1: its blinatumomab segments must start before {read(c2.day1_on)} and stop by then "
        f"(cycle 2 started on {read(c2.day1_on)})."
    ]
    assert not BlinatumomabSegment.objects.exists()


def test_a_segment_stopping_on_the_next_cycles_day_1_is_accepted(coordinator_client, two_cycles):
    c1, c2 = two_cycles
    response = _post(coordinator_client, c1, at(c2.day1_on - D(days=2), 8), at(c2.day1_on, 8))
    assert response.status_code == 302


def test_a_segment_stopping_after_the_next_cycles_day_1_is_refused_on_the_stop(coordinator_client, two_cycles):
    c1, c2 = two_cycles
    response = _post(coordinator_client, c1, at(c2.day1_on - D(days=1), 8), at(c2.day1_on + D(days=1), 8))
    assert response.status_code == 400
    assert "must start before" in response.context["form"].errors["stopped_at"][0]
    assert not BlinatumomabSegment.objects.exists()


def test_without_a_next_cycle_the_bound_is_day_28_plus_the_longest_allowed_break(
    coordinator_client, participant, today, coordinator
):
    cycle = start_cycle(participant, today - D(days=50), coordinator)
    bound = cycle.day1_on + D(days=35)  # day 28 + 7 days: the segments run within day 35 at the latest
    last_day = cycle.day1_on + D(days=34)  # day 35

    refused = _post(coordinator_client, cycle, at(bound, 8), at(bound, 20))
    accepted = _post(coordinator_client, cycle, at(last_day, 8), at(bound, 8))

    assert refused.status_code == 400
    assert refused.context["form"].errors["started_at"] == [
        f"Outside cycle 1: its blinatumomab segments must start before {read(bound)} and stop by then "
        "(day 28 + 7 days, the longest break the protocol allows before a new cycle must start)."
    ]
    assert accepted.status_code == 302
    assert BlinatumomabSegment.objects.count() == 1


def test_the_bound_is_the_next_day_1_else_day_28_plus_7_days():
    day1 = datetime.date(2026, 3, 2)
    assert rules.segment_bound(day1, 28, datetime.date(2026, 3, 31)) == datetime.date(2026, 3, 31)
    assert rules.segment_bound(day1, 28, None) == datetime.date(2026, 4, 6)  # 2 Mar + 35 days


def test_an_existing_segment_after_the_next_cycles_day_1_raises_a_query(participant, two_cycles):
    c1, c2 = two_cycles
    seg = SegmentFactory(cycle=c1, started_at=at(c2.day1_on + D(days=3), 8))  # written outside the form

    edit_checks.run_for_participant(participant)

    [query] = DataQuery.objects.filter(check_code="SEGMENT_OUTSIDE_CYCLE").exclude(status=QueryStatus.CLOSED)
    assert (query.object_id, query.field_name) == (seg.pk, "started_at")
    assert f"must start before {read(c2.day1_on)}" in query.text

"""Moving a cycle's day 1 moves every visit window of the cycle: the visit-window check runs again and raises, or
closes, its protocol-deviation query (issue 17, visit windows)."""

import datetime

import pytest
from django.forms import modelform_factory

from cycles.models import Cycle, VisitRecord
from integrity import edit_checks
from integrity import services as integrity_services
from integrity.models import DataQuery, QueryStatus
from tests.factories.cycles import start_cycle
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(site_a, coordinator):
    screening = ScreeningFactory(site=site_a, screened_on=datetime.date(2026, 2, 20), status="enrolled")
    return start_cycle(ParticipantFactory(screening=screening), datetime.date(2026, 3, 2), coordinator)


def _open():
    return list(DataQuery.objects.filter(check_code="VISIT_OUTSIDE_WINDOW").exclude(status=QueryStatus.CLOSED))


def _move_day1(cycle, on: datetime.date, user) -> None:
    cycle.refresh_from_db()
    form = modelform_factory(Cycle, fields=["day1_on"])({"day1_on": on.isoformat()}, instance=cycle)
    assert form.is_valid(), form.errors
    integrity_services.save_record(form, user=user, reason="Day 1 corrected from the source",
                                   expected_version=cycle.row_version)


def test_moving_day_1_raises_the_deviation_of_a_visit_now_outside_its_window(cycle, coordinator):
    # Day 8 on 9 Mar 2026: the window of a cycle started on 2 Mar is 8-10 Mar.
    VisitRecord.objects.create(cycle=cycle, visit_code="D8", visited_on=datetime.date(2026, 3, 9))
    edit_checks.run_for_participant(cycle.participant)
    assert _open() == []

    _move_day1(cycle, datetime.date(2026, 3, 5), coordinator)  # the window moves to 11-13 Mar

    [query] = _open()
    assert query.text == (
        "Cycle 1 Day 8 (step-up) visit on 9 Mar 2026 is outside its window (11–13 Mar 2026), 2 days early: "
        "protocol deviation."
    )


def test_moving_day_1_back_closes_the_query(cycle, coordinator):
    VisitRecord.objects.create(cycle=cycle, visit_code="D8", visited_on=datetime.date(2026, 3, 12))
    edit_checks.run_for_participant(cycle.participant)
    assert len(_open()) == 1  # window 8-10 Mar

    _move_day1(cycle, datetime.date(2026, 3, 4), coordinator)  # window 10-12 Mar: 12 Mar is its last day

    assert _open() == []
    assert DataQuery.objects.get(check_code="VISIT_OUTSIDE_WINDOW").status == QueryStatus.CLOSED

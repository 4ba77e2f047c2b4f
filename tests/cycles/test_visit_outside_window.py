"""A visit recorded outside its window (target ± window from the cycle's actual day 1) is saved, raises an automatic
query marked as a protocol deviation, and shows as one on the calendar and the casebook; a visit inside its window,
both ends included, raises nothing (issue 17, visit windows)."""

import datetime

import pytest
from django.forms import modelform_factory
from django.urls import reverse

from cycles import rules
from cycles.models import VisitRecord
from cycles.regimen import REGIMEN
from integrity import edit_checks
from integrity import services as integrity_services
from integrity.models import DataQuery, QueryStatus
from tests.factories.cycles import start_cycle
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db

# Cycle 1 starts on Monday 2 Mar 2026: its day 8 visit (window ± 1 day) is due on 9 Mar, from 8 to 10 Mar.
DAY1 = datetime.date(2026, 3, 2)
DAY8 = REGIMEN.cycle(1).visits[1]
LATE_MESSAGE = (
    "Cycle 1 Day 8 (step-up) visit on 12 Mar 2026 is outside its window (8–10 Mar 2026), 2 days late: "
    "protocol deviation."
)


@pytest.fixture
def cycle(site_a, coordinator):
    screening = ScreeningFactory(site=site_a, screened_on=datetime.date(2026, 2, 20), status="enrolled")
    return start_cycle(ParticipantFactory(screening=screening), DAY1, coordinator)


def _record_visit(client, cycle, code, on):
    url = reverse("cycles:visit-record", args=[cycle.pk, code])
    token = client.get(url).context["form"]["submission_token"].value()
    return client.post(url, {"visited_on": on.isoformat(), "missed_reason": "", "submission_token": token})


def _open_deviations():
    return list(DataQuery.objects.filter(check_code="VISIT_OUTSIDE_WINDOW").exclude(status=QueryStatus.CLOSED))


@pytest.mark.parametrize(
    ("visited_on", "expected"),
    [
        (datetime.date(2026, 3, 7), "Cycle 1 Day 8 (step-up) visit on 7 Mar 2026 is outside its window "
                                    "(8–10 Mar 2026), 1 day early: protocol deviation."),
        (datetime.date(2026, 3, 8), None),  # the window's first day is inside
        (datetime.date(2026, 3, 9), None),
        (datetime.date(2026, 3, 10), None),  # its last day too
        (datetime.date(2026, 3, 12), LATE_MESSAGE),
    ],
)
def test_the_rule_flags_a_visit_outside_its_window_in_words(visited_on, expected):
    assert rules.visit_window_problem(1, DAY8, DAY1, visited_on) == expected


def test_a_window_across_two_months_names_both():
    eoc = REGIMEN.cycle(1).visits[-1]  # the end-of-cycle marrow, day 26-35: 27 Mar - 5 Apr 2026
    assert rules.visit_window_problem(1, eoc, DAY1, datetime.date(2026, 4, 7)) == (
        "Cycle 1 End-of-cycle marrow visit on 7 Apr 2026 is outside its window (27 Mar – 5 Apr 2026), 2 days late: "
        "protocol deviation."
    )


def test_a_visit_after_its_window_is_saved_and_raises_a_query_marked_as_a_protocol_deviation(coordinator_client, cycle):
    response = _record_visit(coordinator_client, cycle, "D8", datetime.date(2026, 3, 12))

    assert response.status_code == 302
    visit = VisitRecord.objects.get(cycle=cycle, visit_code="D8")
    assert visit.visited_on == datetime.date(2026, 3, 12)
    [query] = _open_deviations()
    assert (query.participant, query.object_id, query.field_name) == (cycle.participant, visit.pk, "visited_on")
    assert query.text == LATE_MESSAGE


@pytest.mark.parametrize("day", [8, 10])
def test_a_visit_on_either_end_of_its_window_raises_nothing(coordinator_client, cycle, day):
    assert _record_visit(coordinator_client, cycle, "D8", datetime.date(2026, 3, day)).status_code == 302
    assert VisitRecord.objects.filter(cycle=cycle, visit_code="D8").exists()
    assert _open_deviations() == []


def test_the_calendar_badges_the_visit_outside_its_window(coordinator_client, cycle):
    _record_visit(coordinator_client, cycle, "D8", datetime.date(2026, 3, 12))
    _record_visit(coordinator_client, cycle, "D15", datetime.date(2026, 3, 16))  # window 14-18 Mar: inside

    page = coordinator_client.get(reverse("cycles:participant-calendar", args=[cycle.participant_id])).content.decode()

    day8 = page.split('data-testid="visit-1-D8"')[1].split("</tr>")[0]
    day15 = page.split('data-testid="visit-1-D15"')[1].split("</tr>")[0]
    assert 'data-testid="outside-window">outside window<' in day8
    assert "2 days late: protocol deviation." in day8
    assert "outside window" not in day15


def test_the_casebook_lists_the_protocol_deviation(coordinator_client, cycle):
    participant_url = reverse("enrollment:participant-detail", args=[cycle.participant_id])
    assert 'data-testid="visit-deviations"' not in coordinator_client.get(participant_url).content.decode()

    _record_visit(coordinator_client, cycle, "D8", datetime.date(2026, 3, 12))

    page = coordinator_client.get(participant_url).content.decode()
    block = page.split('data-testid="visit-deviations"')[1].split("</div>")[0]
    assert "Protocol deviation: visit recorded outside its window." in block
    assert LATE_MESSAGE in block


def test_correcting_the_date_into_the_window_closes_the_query(cycle, coordinator):
    visit = VisitRecord.objects.create(cycle=cycle, visit_code="D8", visited_on=datetime.date(2026, 3, 12))
    edit_checks.run_for_participant(cycle.participant)
    assert len(_open_deviations()) == 1

    form = modelform_factory(VisitRecord, fields=["visited_on"])({"visited_on": "2026-03-10"}, instance=visit)
    assert form.is_valid()
    integrity_services.save_record(form, user=coordinator, reason="Date typed wrongly", expected_version=1)

    assert _open_deviations() == []

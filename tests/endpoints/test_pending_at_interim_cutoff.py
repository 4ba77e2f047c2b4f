"""Interim results: pending is not missing (issue 14, DOMAIN Project decision 10). A timepoint without an
assessment whose landmark (day 28 / 56 + 14 days after C1D1) lies after the cut-off is pending: listed apart,
neither responder, non-responder nor not evaluable; the rate keeps all treated as its denominator and a second
line gives the rate among those evaluable so far. Expected values are counted by hand below."""

import datetime
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from endpoints import calculations as calc
from endpoints.calculations import EocAssessment, ParticipantData
from endpoints.tasks import recompute_endpoints
from tests.endpoints.conftest import page_text
from tests.factories.cycles import CycleFactory, SegmentFactory
from tests.factories.endpoints import treated_with_mrd_negative_cr
from tests.factories.enrollment import ParticipantFactory

CUTOFF = date(2026, 3, 1)
CR_NEG = "CR", "NEG"


def _eoc(day: date, response: str, flow: str | None) -> EocAssessment:
    return EocAssessment(marrow_date=day, response=response, flow_class=flow)


# Landmarks (C1D1 + study day - 1): EOC1 day 42, EOC2 day 70.
P1 = ParticipantData("P1", date(2026, 1, 1), _eoc(date(2026, 1, 28), *CR_NEG))  # EOC2 landmark 2026-03-11: pending
P2 = ParticipantData("P2", date(2026, 1, 10), _eoc(date(2026, 2, 6), "NR", "POS"))  # EOC2 landmark 03-20: pending
P3 = ParticipantData(  # EOC1 and EOC2 done
    "P3", date(2025, 10, 1), _eoc(date(2025, 10, 28), *CR_NEG), _eoc(date(2025, 11, 27), *CR_NEG)
)
P4 = ParticipantData("P4", date(2026, 2, 20))  # EOC1 landmark 2026-04-02: both pending
P5 = ParticipantData("P5", date(2025, 9, 1), _eoc(date(2025, 9, 28), "NR", "POS"))  # EOC2 landmark 11-09: missing
COHORT = [P1, P2, P3, P4, P5]


def test_the_landmarks_are_day_42_and_day_70_after_c1d1():
    assert calc.LANDMARKS.date(date(2026, 1, 1), "EOC1") == date(2026, 2, 11)  # 1 Jan + 41 days
    assert calc.LANDMARKS.date(date(2026, 1, 1), "EOC2") == date(2026, 3, 11)  # 1 Jan + 69 days


@pytest.mark.parametrize(
    ("participant", "timepoint", "status"),
    [
        (P1, "EOC2", calc.PENDING),
        (P1, "BY_EOC2", calc.RESPONDER),  # responder at EOC1 already
        (P2, "EOC2", calc.PENDING),
        (P2, "BY_EOC2", calc.PENDING),  # NR at EOC1, EOC2 still to come
        (P4, "EOC1", calc.PENDING),
        (P5, "EOC2", calc.NOT_EVALUABLE),  # the landmark has passed: missing
    ],
)
def test_a_participant_before_the_landmark_is_pending_not_a_non_responder(participant, timepoint, status):
    assert calc.participant_primary_status(participant, timepoint, cutoff=CUTOFF)[0] == status


@pytest.mark.parametrize(
    ("timepoint", "responders", "pending", "non_responders", "not_evaluable", "evaluable"),
    [
        # EOC1: P1 P3 responders, P2 P5 NR, P4 pending
        ("EOC1", 2, 1, 2, 0, 4),
        # EOC2: P3 responder, P1 P2 P4 pending, P5 missing (not evaluable, counted as non-responder)
        ("EOC2", 1, 3, 1, 1, 1),
        # by EOC2: P1 P3 responders, P2 P4 pending, P5 not evaluable (EOC2 missing)
        ("BY_EOC2", 2, 2, 1, 1, 2),
    ],
)
def test_the_rate_keeps_all_treated_and_the_pending_are_reported_apart(
    timepoint, responders, pending, non_responders, not_evaluable, evaluable
):
    block = calc.primary_endpoint(COHORT, timepoint, cutoff=CUTOFF)
    assert (block["n_treated"], block["n_responders"], block["rate"]) == (5, responders, responders / 5)
    assert (block["n_pending"], block["n_non_responders"], block["n_not_evaluable"]) == (
        pending,
        non_responders,
        not_evaluable,
    )
    assert block["n_evaluable"] == evaluable  # treated - not evaluable - pending: the second line's denominator
    assert block["rate_evaluable"] == (responders / evaluable if evaluable else None)


def test_the_aggregated_counts_agree_with_the_direct_rate():
    results = calc.compute_all(COHORT, CUTOFF)
    assert results["primary_endpoint"]["EOC2"]["n_pending"] == 3
    assert results["groups"]["primary.EOC2.PENDING"] == ["P1", "P2", "P4"]
    assert results["response_tables"]["EOC2"]["counts"]["pending"] == 3
    assert results["response_tables"]["EOC2"]["counts"]["missing"] == 1  # P5


@pytest.mark.django_db
def test_the_dashboard_counts_pending_and_its_header_n_is_the_treated_n_at_the_cut_off(
    site_a, data_manager_client, today
):
    cutoff = today - datetime.timedelta(days=10)
    # A: C1D1 56 days ago, EOC1 MRD-negative CR; its EOC2 landmark (day 70) is 13 days from today: pending
    a, cycle = treated_with_mrd_negative_cr(site_a)
    ParticipantFactory(screening__site=site_a)  # B: enrolled, never treated
    late = ParticipantFactory(screening__site=site_a)  # C: treated after the cut-off
    SegmentFactory(cycle=CycleFactory(participant=late, day1_on=today - datetime.timedelta(days=5)))
    ParticipantFactory(  # D: enrolled after the cut-off, not counted at it
        screening__site=site_a, screening__screened_on=today - datetime.timedelta(days=8)
    )
    assert cycle.day1_on == today - datetime.timedelta(days=56)

    recompute_endpoints(cutoff.isoformat())
    response = data_manager_client.get(reverse("endpoints:dashboard") + f"?cutoff={cutoff.isoformat()}")

    text = page_text(response)
    assert "N = 1 treated by the cut-off (3 enrolled by then)" in text
    html = response.content.decode()
    assert 'data-testid="pending-EOC2"><a href="' in html
    assert _cell(html, "pending-EOC2") == "1"
    assert _cell(html, "pending-EOC1") == "0"
    assert "1/1 = 100.0 %" in text  # EOC1: A responder among the 1 treated


def _cell(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}">')
    link = html[start:].split("</a>")[0]
    return link.rsplit(">", 1)[1]


@pytest.fixture
def today():
    return timezone.localdate()

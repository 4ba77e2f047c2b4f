"""The participant casebook: header (ID, site, status, day of study, cycle), provider sections, merged
timeline and due list; a provider that is not importable yet is skipped, not fatal."""

import datetime

import pytest
from django.urls import reverse

from enrollment import rules
from tests.factories.enrollment import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def casebook(coordinator_client, site_a):
    participant = ParticipantFactory(screening__site=site_a, enrolled_on=datetime.date(2026, 3, 1))
    response = coordinator_client.get(reverse("enrollment:participant-detail", args=[participant.pk]))
    assert response.status_code == 200
    return participant, response


def test_casebook_header_shows_day_of_study_when_treated(casebook):
    participant, response = casebook
    c1d1 = datetime.date(2026, 3, 2)  # the fake provider's C1D1: enrolled_on + 1 day
    page = response.content.decode()
    day = (datetime.date.today() - c1d1).days + 1
    assert f"Day {day}" in page and "C2" in page and participant.participant_id in page
    assert "Site A hospital" in page


def test_casebook_merges_the_timeline_when_sections_add_entries(casebook):
    participant, response = casebook
    kinds = [(e.kind, e.on) for e in response.context["timeline"]]
    screened = participant.screening.screened_on
    assert kinds == sorted(kinds, key=lambda k: k[1])
    assert ("screening", screened) in kinds and ("consent", screened) in kinds
    assert ("dose", datetime.date(2026, 3, 2)) in kinds
    assert "C1D1 first dose" in response.content.decode()


def test_casebook_lists_due_items_and_skips_missing_providers(casebook):
    _, response = casebook
    page = response.content.decode()
    assert "EOC1 marrow" in page and "overdue" in page
    assert "fake section body" in page
    assert response.context["unavailable_sections"] == ["not_an_app_yet"]


def test_study_day_has_no_day_zero_when_counting_from_c1d1():
    c1d1 = datetime.date(2026, 1, 10)
    assert [rules.study_day(c1d1 + datetime.timedelta(days=d), c1d1) for d in (-2, -1, 0, 1, 27)] == [-2, -1, 1, 2, 28]
    assert rules.study_day(c1d1, None) is None


def cycle_section(participant, user):
    """A provider that gives cycle-start timeline entries but no header values."""
    from enrollment.casebook import CasebookSection, TimelineEntry

    start = participant.enrolled_on
    return CasebookSection(
        title="Cycles", template="enrollment/_status_badge.html", context={"status": "x", "label": "cycles"},
        timeline=[TimelineEntry(start, "cycle", "Cycle 1 day 1"),
                  TimelineEntry(start + datetime.timedelta(days=30), "cycle", "Cycle 2 day 1"),
                  TimelineEntry(datetime.date.today() + datetime.timedelta(days=5), "cycle", "Cycle 3 (planned)")],
    )


def first_dose_dates(participant_ids):
    return {pk: datetime.date(2026, 1, 1) for pk in participant_ids}


def test_casebook_header_falls_back_to_first_dose_and_cycle_starts_when_sections_give_no_header(
        monkeypatch, coordinator_client, coordinator, site_a):
    monkeypatch.setattr("enrollment.views.SECTION_PROVIDERS", ("tests.enrollment.test_casebook.cycle_section",))
    monkeypatch.setattr("enrollment.views.FIRST_DOSE_DATES", "tests.enrollment.test_casebook.first_dose_dates")
    participant = ParticipantFactory(screening__site=site_a, enrolled_on=datetime.date(2026, 1, 1))
    from enrollment import services

    services.change_status(participant=participant, to_status="on_treatment", on=datetime.date(2026, 1, 1),
                           user=coordinator)
    response = coordinator_client.get(reverse("enrollment:participant-detail", args=[participant.pk]))
    assert response.context["c1d1"] == datetime.date(2026, 1, 1)
    assert response.context["study_day"] == (datetime.date.today() - datetime.date(2026, 1, 1)).days + 1
    assert response.context["current_cycle"] == 2

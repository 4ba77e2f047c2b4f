"""Dates in the order the trial happens (issue 14): screening <= consent <= enrollment <= C1D1 <= every clinical
date, refused on the forms with a message naming both dates, and flagged by an edit check on existing data."""

import datetime

import pytest
from django.urls import reverse

from enrollment import rules
from enrollment.models import Consent
from integrity import edit_checks
from integrity.models import DataQuery, QueryStatus
from tests.dates import read
from tests.enrollment.conftest import days_ago, edit_data
from tests.factories.enrollment import ConsentFactory, ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db

D = datetime.date
DATES = rules.TrialDates(D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 8), D(2026, 1, 10))


@pytest.mark.parametrize(
    ("value", "not_before", "message"),
    [
        (D(2026, 1, 10), "c1d1", None),
        (D(2026, 1, 9), "c1d1", "The aspirate date (9 Jan 2026) is before C1D1 (the first dose) (10 Jan 2026)."),
        (D(2026, 1, 7), "c1d1", "The aspirate date (7 Jan 2026) is before C1D1 (the first dose) (10 Jan 2026)."),
        # before consent is named first: no clinical data before consent
        (D(2026, 1, 4), "c1d1", "The aspirate date (4 Jan 2026) is before the date of consent (6 Jan 2026)."),
        (D(2026, 1, 9), "enrolled_on", None),
        (D(2026, 1, 7), "enrolled_on", "The aspirate date (7 Jan 2026) is before the enrollment date (8 Jan 2026)."),
    ],
)
def test_a_date_is_refused_before_the_trial_date_it_must_follow_naming_both(value, not_before, message):
    assert rules.date_order_problem(value, DATES, not_before, "The aspirate date") == message


def test_the_c1d1_rule_falls_back_to_enrollment_when_nothing_is_given_yet():
    dates = rules.TrialDates(D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 8), None)
    assert rules.date_order_problem(D(2026, 1, 7), dates, "c1d1", "X") == (
        "X (7 Jan 2026) is before the enrollment date (8 Jan 2026)."
    )


def test_consent_dated_before_the_screening_is_refused_through_the_view(coordinator_client, site_a):
    screening = ScreeningFactory(site=site_a, screened_on=days_ago(10))
    url = reverse("enrollment:consent-add", args=[screening.pk])

    response = coordinator_client.post(
        url, {"document_version": "1.1", "signed_on": days_ago(11).isoformat(), "obtained_by": "Dr Zhang"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["signed_on"] == [
        f"The date of consent ({read(days_ago(11))}) is before the screening date ({read(days_ago(10))})."
    ]
    assert not Consent.objects.exists()


def test_a_screening_date_moved_after_the_consent_is_refused(coordinator_client, site_a):
    screening = ScreeningFactory(site=site_a, screened_on=days_ago(20))
    ConsentFactory(screening=screening, signed_on=days_ago(19))

    response = coordinator_client.post(
        reverse("enrollment:screening-edit", args=[screening.pk]),
        edit_data(screening, screened_on=days_ago(18).isoformat()),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["screened_on"] == [
        f"The screening date ({read(days_ago(18))}) is after the date of consent ({read(days_ago(19))})."
    ]
    screening.refresh_from_db()
    assert screening.screened_on == days_ago(20)


def test_enrollment_before_the_screening_date_is_refused_naming_both_dates(coordinator_client, site_a):
    screening = ScreeningFactory(site=site_a, screened_on=days_ago(20))
    ConsentFactory(screening=screening, signed_on=days_ago(20))
    url = reverse("enrollment:participant-enroll", args=[screening.pk])

    response = coordinator_client.post(
        url, {"enrolled_on": days_ago(21).isoformat(), "height_cm": "170", "weight_kg": "70"}
    )

    assert response.status_code == 400
    assert (
        f"The enrollment date ({read(days_ago(21))}) is before the date of consent ({read(days_ago(20))})"
        in response.content.decode()
    )


def test_existing_enrollment_and_consent_out_of_order_raise_automatic_queries(site_a):
    participant = ParticipantFactory(screening__site=site_a, screening__screened_on=days_ago(30))
    consent = participant.screening.consents.get()
    Consent.objects.filter(pk=consent.pk).update(signed_on=days_ago(31))  # written outside the forms
    type(participant).objects.filter(pk=participant.pk).update(enrolled_on=days_ago(32))
    participant.refresh_from_db()

    edit_checks.run_for_participant(participant)

    open_codes = set(DataQuery.objects.exclude(status=QueryStatus.CLOSED).values_list("check_code", flat=True))
    assert {"DATE_ORDER_CONSENT", "DATE_ORDER_ENROLLMENT"} <= open_codes
    text = DataQuery.objects.get(check_code="DATE_ORDER_ENROLLMENT").text
    assert text == (
        f"The enrollment date ({read(days_ago(32))}) is before the date of consent ({read(days_ago(31))})."
    )

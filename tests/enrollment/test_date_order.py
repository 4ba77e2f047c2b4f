"""Dates in the order the trial happens (issue 14): screening <= consent <= enrollment <= C1D1 <= every clinical
date, refused on the forms with a message naming both dates, and flagged by an edit check on existing data."""

import datetime

import pytest
from django.urls import reverse

from enrollment import rules
from enrollment.models import Consent
from integrity import edit_checks
from integrity.models import DataQuery, QueryStatus
from tests.enrollment.conftest import days_ago, edit_data
from tests.factories.enrollment import ConsentFactory, ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db

D = datetime.date
DATES = rules.TrialDates(D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 8), D(2026, 1, 10))


@pytest.mark.parametrize(
    ("value", "not_before", "message"),
    [
        (D(2026, 1, 10), "c1d1", None),
        (D(2026, 1, 9), "c1d1", "The aspirate date (2026-01-09) is before C1D1 (the first dose) (2026-01-10)."),
        (D(2026, 1, 7), "c1d1", "The aspirate date (2026-01-07) is before C1D1 (the first dose) (2026-01-10)."),
        # before consent is named first: no clinical data before consent
        (D(2026, 1, 4), "c1d1", "The aspirate date (2026-01-04) is before the date of consent (2026-01-06)."),
        (D(2026, 1, 9), "enrolled_on", None),
        (D(2026, 1, 7), "enrolled_on", "The aspirate date (2026-01-07) is before the enrollment date (2026-01-08)."),
    ],
)
def test_a_date_is_refused_before_the_trial_date_it_must_follow_naming_both(value, not_before, message):
    assert rules.date_order_problem(value, DATES, not_before, "The aspirate date") == message


def test_the_c1d1_rule_falls_back_to_enrollment_when_nothing_is_given_yet():
    dates = rules.TrialDates(D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 8), None)
    assert rules.date_order_problem(D(2026, 1, 7), dates, "c1d1", "X") == (
        "X (2026-01-07) is before the enrollment date (2026-01-08)."
    )


def test_consent_dated_before_the_screening_is_refused_through_the_view(coordinator_client, site_a):
    screening = ScreeningFactory(site=site_a, screened_on=days_ago(10))
    url = reverse("enrollment:consent-add", args=[screening.pk])

    response = coordinator_client.post(
        url, {"document_version": "1.1", "signed_on": days_ago(11).isoformat(), "obtained_by": "Dr Zhang"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["signed_on"] == [
        f"The date of consent ({days_ago(11).isoformat()}) is before the screening date ({days_ago(10).isoformat()})."
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
        f"The screening date ({days_ago(18).isoformat()}) is after the date of consent ({days_ago(19).isoformat()})."
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
        f"The enrollment date ({days_ago(21).isoformat()}) is before the date of consent ({days_ago(20).isoformat()})"
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
        f"The enrollment date ({days_ago(32).isoformat()}) is before the date of consent ({days_ago(31).isoformat()})."
    )

"""Screening, consent and screen-failure forms: errors next to the field, nothing saved on error."""

import datetime

import pytest
from django.urls import reverse

from enrollment.models import Consent, ScreeningRecord
from tests.enrollment.conftest import days_ago, screening_data
from tests.factories.enrollment import ScreeningFactory

pytestmark = pytest.mark.django_db


def _add(client, data):
    return client.post(reverse("enrollment:screening-add"), data)


def test_screening_refused_when_neither_birth_date_nor_age_is_given(coordinator_client, site_a):
    response = _add(coordinator_client, screening_data(site_a, birth_date=""))
    assert response.status_code == 400
    assert response.context["form"].errors["age_years"] == ["Enter the date of birth or the age."]
    assert not ScreeningRecord.objects.exists()


def test_screening_refused_when_dates_are_in_the_future_or_initials_are_a_name(coordinator_client, site_a):
    response = _add(coordinator_client, screening_data(
        site_a, screened_on=days_ago(-1).isoformat(), initials="John", criterion_INC_ECOG="maybe"))
    errors = response.context["form"].errors
    assert "is in the future" in errors["screened_on"][0]
    assert errors["initials"]
    assert "Select a valid choice" in errors["criterion_INC_ECOG"][0]
    assert 'class="invalid-feedback' in response.content.decode()  # shown next to the field
    assert not ScreeningRecord.objects.exists()


def test_screening_saved_once_when_the_form_is_submitted_twice(coordinator_client, site_a):
    data = screening_data(site_a)
    first, second = _add(coordinator_client, data), _add(coordinator_client, data)
    assert first["Location"] == second["Location"]
    assert ScreeningRecord.objects.count() == 1


def test_screening_uses_the_age_when_no_birth_date_is_recorded(coordinator_client, site_a):
    _add(coordinator_client, screening_data(site_a, birth_date="", age_years="61", criterion_INC_AGE="not_assessed"))
    screening = ScreeningRecord.objects.get()
    assert screening.age_at_screening == 61
    assert "Age 61 is outside the protocol range 18-59 years." in screening.eligibility.failed


def test_consent_refused_when_the_version_was_not_yet_approved_on_the_signature_date(coordinator_client, site_a):
    screening = ScreeningFactory(site=site_a)
    url = reverse("enrollment:consent-add", args=[screening.pk])
    response = coordinator_client.post(url, {
        "document_version": "1.1", "signed_on": "2025-05-01", "obtained_by": "Dr Zhang"})
    assert response.status_code == 400
    assert "was not approved on 1 May 2025 (approved then: 1.0)" in response.context["form"].errors[
        "document_version"][0]
    assert not Consent.objects.exists()


def test_consent_refused_when_dated_in_the_future_or_the_version_is_a_draft(coordinator_client, site_a):
    screening = ScreeningFactory(site=site_a)
    url = reverse("enrollment:consent-add", args=[screening.pk])
    response = coordinator_client.post(url, {
        "document_version": "2.0-draft", "signed_on": days_ago(-2).isoformat(), "obtained_by": "Dr Zhang"})
    errors = response.context["form"].errors
    assert "Select a valid choice" in errors["document_version"][0]
    assert "is in the future" in errors["signed_on"][0]
    assert not Consent.objects.exists()


def test_screen_failure_recorded_with_reason_when_posted(coordinator_client, site_a):
    screening = ScreeningFactory(site=site_a)
    url = reverse("enrollment:screening-fail", args=[screening.pk])
    assert coordinator_client.post(url, {"reason": ""}).status_code == 302
    screening.refresh_from_db()
    assert screening.status == "screening"
    coordinator_client.post(url, {"reason": "Ph-positive on PCR"})
    screening.refresh_from_db()
    assert (screening.status, screening.screen_fail_reason) == ("screen_failed", "Ph-positive on PCR")
    log = coordinator_client.get(reverse("enrollment:screening-list"))
    assert "Ph-positive on PCR" in log.content.decode()
    enroll = coordinator_client.post(reverse("enrollment:participant-enroll", args=[screening.pk]), {
        "enrolled_on": datetime.date.today().isoformat(), "height_cm": "170", "weight_kg": "70"})
    assert "Screen failed" in enroll.content.decode() and enroll.status_code == 400


def test_consent_edit_requires_a_reason_when_saved_data_changes(coordinator_client, eligible_screening):
    consent = eligible_screening.consents.get()
    url = reverse("enrollment:consent-edit", args=[consent.pk])
    data = {"document_version": "1.1", "signed_on": days_ago(18).isoformat(), "obtained_by": "Dr Li",
            "row_version": consent.row_version}
    assert coordinator_client.post(url, data).status_code == 400
    assert Consent.objects.get().obtained_by == "Dr Investigator"
    response = coordinator_client.post(url, {**data, "change_reason": "Transcription error"})
    assert response.status_code == 302
    assert Consent.objects.get().obtained_by == "Dr Li"

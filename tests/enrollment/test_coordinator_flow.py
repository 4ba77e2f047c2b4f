"""Acceptance 1: screen -> ineligible with the exact failed criteria -> correct with a reason -> consent ->
enroll -> casebook, each step through the real views."""

import pytest
from django.urls import reverse

from enrollment.models import Consent, Participant, ScreeningRecord, StatusChange
from enrollment.protocol import ENROLLMENT_PROTOCOL
from tests.enrollment.conftest import days_ago, edit_data, enroll_data, screening_data

pytestmark = pytest.mark.django_db

ECOG = ENROLLMENT_PROTOCOL.criterion("INC_ECOG").text
CNS3 = ENROLLMENT_PROTOCOL.criterion("EXC_CNS3").text
CONSENT = ENROLLMENT_PROTOCOL.criterion("INC_CONSENT").text
# The correction of _screen_ineligible's data (ECOG and CNS status), with the ticks that agree.
ELIGIBLE_AGAIN = {"ecog": "1", "cns_status": "CNS1", "criterion_INC_ECOG": "met", "criterion_EXC_CNS3": "not_met"}


def _screen_ineligible(client, site) -> ScreeningRecord:
    # Ineligible by the data (ECOG 3, CNS3); the ticks of these data criteria agree with the data.
    data = screening_data(site, ecog="3", cns_status="CNS3", criterion_INC_ECOG="not_met", criterion_EXC_CNS3="met")
    response = client.post(reverse("enrollment:screening-add"), data)
    screening = ScreeningRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enrollment:screening-detail", args=[screening.pk])
    return screening


def test_screening_allocates_the_site_number_when_a_candidate_is_screened(coordinator_client, site_a):
    first = _screen_ineligible(coordinator_client, site_a)
    coordinator_client.post(reverse("enrollment:screening-add"), screening_data(site_a, initials="KL"))
    second = ScreeningRecord.objects.exclude(pk=first.pk).get()
    assert (first.screening_number, second.screening_number) == ("S01-001", "S01-002")
    assert first.criteria["INC_ECOG"] == "not_met" and first.status == "screening"
    assert first.created_by.username == "coord_a"


def test_screening_detail_lists_the_exact_failed_criteria_when_ineligible(coordinator_client, site_a):
    screening = _screen_ineligible(coordinator_client, site_a)
    page = coordinator_client.get(reverse("enrollment:screening-detail", args=[screening.pk])).content.decode()
    assert "Not eligible" in page
    assert f"{ECOG}: not met" in page
    assert f"{CNS3}: present (exclusion)" in page
    assert f"{CONSENT}: not assessed" in page
    log = coordinator_client.get(reverse("enrollment:screening-list")).content.decode()
    assert screening.screening_number in log and f"{ECOG}: not met" in log


def test_screening_edit_is_refused_when_no_reason_for_change_is_given(coordinator_client, site_a):
    screening = _screen_ineligible(coordinator_client, site_a)
    data = edit_data(screening, **ELIGIBLE_AGAIN, change_reason="")
    response = coordinator_client.post(reverse("enrollment:screening-edit", args=[screening.pk]), data)
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    screening.refresh_from_db()
    assert screening.criteria["INC_ECOG"] == "not_met" and screening.row_version == 1


def test_screening_edit_corrects_a_criterion_when_a_reason_is_given(coordinator_client, site_a):
    screening = _screen_ineligible(coordinator_client, site_a)
    data = edit_data(screening, **ELIGIBLE_AGAIN)
    response = coordinator_client.post(reverse("enrollment:screening-edit", args=[screening.pk]), data)
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.criteria["INC_ECOG"] == "met" and screening.row_version == 2
    assert screening.eligibility.failed == (f"{CONSENT}: not assessed (no signed consent recorded)",)
    event = screening.events.order_by("-pgh_id").first()
    assert event.pgh_context.metadata["reason"] == "Source document corrected"


def test_consent_marks_the_consent_criterion_met_when_recorded(coordinator_client, site_a):
    screening = _screen_ineligible(coordinator_client, site_a)
    coordinator_client.post(
        reverse("enrollment:screening-edit", args=[screening.pk]),
        edit_data(screening, **ELIGIBLE_AGAIN),
    )
    response = coordinator_client.post(reverse("enrollment:consent-add", args=[screening.pk]), {
        "document_version": "1.1", "signed_on": days_ago(9).isoformat(), "obtained_by": "Dr Zhang",
    })
    assert response.status_code == 302
    consent = Consent.objects.get(screening=screening)
    assert (consent.document_version, consent.signed_on) == ("1.1", days_ago(9))
    screening.refresh_from_db()
    assert screening.criteria["INC_CONSENT"] == "met" and screening.eligibility.eligible


def test_enrollment_lands_on_the_casebook_when_eligible_and_consented(coordinator_client, site_a):
    screening = _screen_ineligible(coordinator_client, site_a)
    coordinator_client.post(
        reverse("enrollment:screening-edit", args=[screening.pk]),
        edit_data(screening, **ELIGIBLE_AGAIN),
    )
    coordinator_client.post(reverse("enrollment:consent-add", args=[screening.pk]), {
        "document_version": "1.1", "signed_on": days_ago(9).isoformat(), "obtained_by": "Dr Zhang",
    })
    response = coordinator_client.post(
        reverse("enrollment:participant-enroll", args=[screening.pk]), enroll_data(), follow=True
    )
    participant = Participant.objects.get()
    assert response.redirect_chain[-1][0] == reverse("enrollment:participant-detail", args=[participant.pk])
    assert participant.participant_id == "01-001"
    assert participant.bsa_m2 == 1.81  # sqrt(172.0 x 68.5 / 3600) = 1.8093
    assert participant.status == "enrolled"
    assert StatusChange.objects.filter(participant=participant, to_status="enrolled").count() == 1
    page = response.content.decode()
    assert "01-001" in page and "Enrolled" in page and "Site A hospital" in page
    screening.refresh_from_db()
    assert screening.status == "enrolled"

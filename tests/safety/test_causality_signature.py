"""The investigator e-signs an AE's causality assessment with the existing e-signature (integrity.signatures): the
AE is its own signing scope ("AE-1": the event, its CRS/ICANS sheets and SAE reports); a later edit of the event
invalidates the signature, an edit of another AE does not."""

import pytest
from django.urls import reverse

from enrollment.models import StaffProfile
from integrity import signatures
from integrity.models import Signature
from tests.factories.safety import AdverseEventFactory, CrsAssessmentFactory
from tests.safety.conftest import ae_data, days_ago

pytestmark = pytest.mark.django_db


def test_a_signed_causality_assessment_is_invalidated_by_an_edit_of_that_event_only(
    participant, terms, investigator, investigator_client, password
):
    StaffProfile.objects.create(user=investigator, printed_name="Dr Ada Investigator")
    crs = CrsAssessmentFactory(
        adverse_event__participant=participant,
        adverse_event__onset_date=days_ago(40),
        adverse_event__resolution_date=days_ago(37),
        adverse_event__reference="AE-1",
    )
    ae = crs.adverse_event
    other = AdverseEventFactory(
        participant=participant,
        term=terms["nausea"],
        reference="AE-2",
        onset_date=days_ago(30),
        resolution_date=days_ago(29),
    )
    detail = investigator_client.get(reverse("safety:ae-detail", args=[ae.pk])).content.decode()
    assert f"{reverse('integrity:sign', args=[participant.pk])}?timepoint=AE-1" in detail
    assert "AE-1" in signatures.timepoints(participant)

    response = investigator_client.post(
        reverse("integrity:sign", args=[participant.pk]),
        {"timepoint": "AE-1", "meaning": "approved", "password": password},
    )

    assert response.status_code == 302
    sig = Signature.objects.get()
    assert (sig.timepoint, sig.printed_name) == ("AE-1", "Dr Ada Investigator")
    signed = [form.lower() for form, _, _ in signatures.signed_records(participant, "AE-1")]
    assert sorted(signed) == ["adverse event", "crs assessment"]
    assert signatures.validity([sig]) == {sig.pk: True}

    edit = ae_data(
        terms["nausea"],
        other.onset_date,
        resolution_date=other.resolution_date.isoformat(),
        worst_grade="1",
        row_version=str(other.row_version),
        change_reason="Transcription error",
    )
    assert investigator_client.post(reverse("safety:ae-edit", args=[other.pk]), edit).status_code == 302
    assert signatures.validity([sig]) == {sig.pk: True}

    edit = ae_data(
        terms["crs"],
        ae.onset_date,
        resolution_date=ae.resolution_date.isoformat(),
        relationship_blinatumomab="PROBABLE",
        row_version=str(ae.row_version),
        change_reason="Transcription error",
    )
    assert investigator_client.post(reverse("safety:ae-edit", args=[ae.pk]), edit).status_code == 302
    sig.refresh_from_db()
    assert sig.invalidated_at is not None
    page = investigator_client.get(reverse("safety:ae-detail", args=[ae.pk])).content.decode()
    assert "invalid: changed after signing" in page

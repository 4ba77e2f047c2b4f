"""Acceptance 4: investigator e-signature of a timepoint or a casebook, bound to a hash of the content."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from enrollment.models import StaffProfile
from integrity import signatures
from integrity.audit import changes
from integrity.models import Signature
from tests.factories.assessments import MarrowFactory, ResponseCallFactory
from tests.factories.integrity import form_data


@pytest.fixture
def signer(investigator):
    StaffProfile.objects.create(user=investigator, printed_name="Dr Ada Investigator")
    return investigator


def _sign(client, participant, password, timepoint="", meaning="approved"):
    return client.post(
        reverse("integrity:sign", args=[participant.pk]),
        {"timepoint": timepoint, "meaning": meaning, "password": password},
    )


def test_signing_stores_printed_name_meaning_utc_time_and_content_hash_when_the_password_is_right(
    participant, signer, investigator_client, password
):
    response = _sign(investigator_client, participant, password)

    assert response.status_code == 302
    sig = Signature.objects.get()
    assert (sig.signer, sig.printed_name, sig.meaning, sig.timepoint) == (
        signer, "Dr Ada Investigator", "approved", ""
    )
    assert sig.signed_at.utcoffset().total_seconds() == 0
    assert len(sig.content_hash) == 64 and sig.content_hash == signatures.content_hash(participant)
    page = investigator_client.get(reverse("integrity:signature-print", args=[participant.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dr Ada Investigator" in html and "Reviewed and approved" in html and 'data-testid="signature-valid"' in html


def test_a_wrong_password_is_refused_and_counted_by_the_login_lockout_when_signing(
    participant, signer, investigator_client, client, password
):
    response = _sign(investigator_client, participant, "not-my-password")

    assert response.status_code == 400
    assert "password" in response.context["form"].errors
    assert not Signature.objects.exists()
    assert AccessAttempt.objects.get(username=signer.username).failures_since_start == 1

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign(investigator_client, participant, "not-my-password")
    login = client.post(reverse("login"), {"username": signer.username, "password": password})
    assert login.status_code == 429  # the account is now locked out, as after failed logins
    assert not Signature.objects.exists()


@pytest.mark.parametrize("who", ["coordinator_client", "monitor_client", "data_manager_client"])
def test_only_investigators_can_sign_when_another_role_tries(who, participant, request, password):
    client = request.getfixturevalue(who)

    assert client.get(reverse("integrity:sign", args=[participant.pk])).status_code == 403
    assert _sign(client, participant, password).status_code == 403
    assert not Signature.objects.exists()


def test_an_edit_after_signing_shows_the_signature_invalid_and_is_audited_when_saved(
    record_urls, participant, signer, investigator_client, data_manager_client, data_manager, password
):
    _sign(investigator_client, participant, password)
    data = {**form_data(participant), "weight_kg": "75.5", "row_version": participant.row_version,
            "change_reason": "Transcription error"}

    url = reverse("test-record-edit", args=["enrollment.Participant", participant.pk])
    edited = data_manager_client.post(url, data)

    assert edited.status_code == 302
    sig = Signature.objects.get()
    assert sig.invalidated_at is not None
    page = investigator_client.get(reverse("integrity:signature-print", args=[participant.pk])).content.decode()
    assert 'data-testid="signature-invalid"' in page and "INVALID" in page
    trail = changes(user=data_manager, model_keys=["integrity.signature"])
    assert [(c.field, c.reason) for c in trail if c.action == "update"] == [
        ("invalidated_at", "Signed content changed after signing")
    ]
    weight = [c for c in changes(user=data_manager, record=participant) if c.field == "weight_kg"]
    assert (weight[0].old, weight[0].new, weight[0].username) == ("70.0", "75.5", "dm")


def test_a_timepoint_signature_stays_valid_when_another_timepoint_changes(
    participant, signer, investigator_client, password
):
    eoc1 = MarrowFactory(participant=participant, timepoint="EOC1")
    eoc2 = MarrowFactory(participant=participant, timepoint="EOC2", cycle_number=2)
    ResponseCallFactory(marrow=eoc1)  # an end-of-cycle timepoint is signed once the call is recorded
    assert _sign(investigator_client, participant, password, timepoint="EOC1").status_code == 302
    sig = Signature.objects.get()

    type(eoc2).objects.filter(pk=eoc2.pk).update(blasts_pct=3.0)
    assert signatures.validity([sig]) == {sig.pk: True}

    type(eoc1).objects.filter(pk=eoc1.pk).update(blasts_pct=4.0)  # even a write outside the forms
    assert signatures.validity([sig]) == {sig.pk: False}


def test_the_hash_changes_when_a_signed_record_is_removed(participant):
    marrow = MarrowFactory(participant=participant, timepoint="EOC1")
    before = signatures.content_hash(participant, "EOC1")

    type(marrow).objects.filter(pk=marrow.pk).update(is_deleted=True)

    assert signatures.content_hash(participant, "EOC1") != before

"""A signed end-of-cycle timepoint covers the marrow, the blood count the derivation uses (the one nearest the
marrow within -7/+3 days), flow and NGS MRD, the derived response and the call: an edit of that blood count
breaks the signature; an edit of a blood count the derivation does not use does not."""

import datetime

import pytest
from django.urls import reverse

from enrollment.models import StaffProfile
from integrity import signatures
from integrity.models import Signature
from tests.factories.assessments import (
    BloodCountFactory,
    FlowMrdFactory,
    MarrowFactory,
    NgsMrdFactory,
    ResponseCallFactory,
)
from tests.factories.integrity import form_data

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def eoc1(participant, investigator):
    StaffProfile.objects.create(user=investigator, printed_name="Dr Ada Investigator")
    marrow = MarrowFactory(participant=participant, timepoint="EOC1", sample_date=TODAY - datetime.timedelta(days=10))
    FlowMrdFactory(marrow=marrow)
    NgsMrdFactory(marrow=marrow)
    ResponseCallFactory(marrow=marrow)
    return marrow


@pytest.fixture
def used_cbc(eoc1):  # 1 day before the marrow: inside the window, the nearest
    return BloodCountFactory(participant=eoc1.participant, sample_date=eoc1.sample_date - datetime.timedelta(days=1),
                             anc_e9_per_l="1.5", platelets_e9_per_l="150")


@pytest.fixture
def unused_cbc(eoc1):  # 20 days before the marrow: outside the -7 day window
    return BloodCountFactory(participant=eoc1.participant,
                             sample_date=eoc1.sample_date - datetime.timedelta(days=20))


def _sign_eoc1(client, participant, password):
    response = client.post(reverse("integrity:sign", args=[participant.pk]),
                           {"timepoint": "EOC1", "meaning": "approved", "password": password})
    assert response.status_code == 302, response.context["form"].errors
    return Signature.objects.get()


def _edit_cbc(client, cbc, **changes):
    data = {**form_data(cbc), **changes, "row_version": cbc.row_version, "change_reason": "Transcription error"}
    response = client.post(reverse("assessments:cbc-edit", args=[cbc.pk]), data)
    assert response.status_code == 302, response.context["form"].errors


def test_the_signed_content_lists_what_the_call_rests_on(
    participant, eoc1, used_cbc, unused_cbc, investigator_client, password
):
    _sign_eoc1(investigator_client, participant, password)
    forms = [(name, key) for name, key, _ in signatures.signed_records(participant, "EOC1")]

    assert ("Blood count", str(used_cbc.pk)) in forms
    assert ("Blood count", str(unused_cbc.pk)) not in forms
    names = {name for name, _ in forms}
    assert {"bone marrow assessment", "flow mrd", "ngs mrd", "derived from the data"} <= {n.lower() for n in names}
    assert any("call" in n.lower() for n in names)
    derived = next(values for name, _, values in signatures.signed_records(participant, "EOC1")
                   if name == "Derived from the data")
    on = f"marrow of {eoc1.sample_date.day} {eoc1.sample_date:%b %Y}"
    assert derived[f"Derived response ({on})"] == "CR"  # blasts 1 %, ANC 1.5, platelets 150 (DOMAIN 3.2)
    assert set(derived) == {f"Derived response ({on})", f"Flow MRD class ({on})", f"NGS MRD class ({on})"}


def test_editing_the_blood_count_used_breaks_the_eoc1_signature(
    participant, eoc1, used_cbc, unused_cbc, investigator_client, coordinator_client, password
):
    sig = _sign_eoc1(investigator_client, participant, password)

    _edit_cbc(coordinator_client, unused_cbc, hb_g_per_l="101")
    sig.refresh_from_db()
    assert sig.invalidated_at is None and signatures.validity([sig]) == {sig.pk: True}

    # haemoglobin: no input of the derivation, so the derived response stays CR; the record itself is signed
    _edit_cbc(coordinator_client, used_cbc, hb_g_per_l="98,5")
    sig.refresh_from_db()
    assert sig.invalidated_at is not None
    assert signatures.validity([sig]) == {sig.pk: False}
    page = investigator_client.get(reverse("integrity:sign", args=[participant.pk]))
    assert 'data-testid="signature-invalid"' in page.content.decode() or "INVALID" in page.content.decode()


def test_a_signature_made_before_the_blood_count_was_covered_stays_valid_while_its_records_are_unchanged(
    participant, eoc1, used_cbc, investigator
):
    """A signature stored with the former content (the timepoint's own records alone) is not broken by the new
    definition; an edit of those records still breaks it."""
    legacy = signatures._hash(signatures._content(participant), "EOC1")
    sig = Signature.objects.create(participant=participant, timepoint="EOC1", signer=investigator, printed_name="x",
                                   meaning="approved", signed_at=eoc1.created_at, content_hash=legacy)
    assert signatures.validity([sig]) == {sig.pk: True}
    type(eoc1).objects.filter(pk=eoc1.pk).update(blasts_pct=30)
    assert signatures.validity([sig]) == {sig.pk: False}

"""An end-of-cycle timepoint cannot be e-signed before the investigator's response call for it exists."""

import pytest
from django.urls import reverse

from enrollment.models import StaffProfile
from integrity.models import Signature
from tests.factories.assessments import MarrowFactory, ResponseCallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signer(investigator):
    StaffProfile.objects.create(user=investigator, printed_name="Dr Ada Investigator")
    return investigator


def _sign(client, participant, password, timepoint):
    return client.post(
        reverse("integrity:sign", args=[participant.pk]),
        {"timepoint": timepoint, "meaning": "approved", "password": password},
    )


def test_signing_eoc1_refused_until_the_response_call_exists(participant, signer, investigator_client, password):
    marrow = MarrowFactory(participant=participant, timepoint="EOC1")

    refused = _sign(investigator_client, participant, password, "EOC1")

    assert refused.status_code == 400
    assert refused.context["form"].errors["timepoint"] == [
        "The investigator's response call for End of cycle 1 is not recorded yet: record it on the end-of-cycle "
        "page, then sign."
    ]
    assert 'id="error_1_id_timepoint"' in refused.content.decode()
    assert not Signature.objects.exists()

    ResponseCallFactory(marrow=marrow)
    accepted = _sign(investigator_client, participant, password, "EOC1")

    assert accepted.status_code == 302
    assert Signature.objects.get().timepoint == "EOC1"


def test_a_removed_call_does_not_count(participant, signer, investigator_client, password):
    call = ResponseCallFactory(marrow=MarrowFactory(participant=participant, timepoint="EOC1"))
    type(call).objects.filter(pk=call.pk).update(is_deleted=True, deleted_reason="entered on the wrong marrow")

    assert _sign(investigator_client, participant, password, "EOC1").status_code == 400
    assert not Signature.objects.exists()


def test_the_call_of_another_timepoint_does_not_count(participant, signer, investigator_client, password):
    MarrowFactory(participant=participant, timepoint="EOC1")
    ResponseCallFactory(marrow=MarrowFactory(participant=participant, timepoint="EOC2"))

    assert _sign(investigator_client, participant, password, "EOC1").status_code == 400
    assert _sign(investigator_client, participant, password, "EOC2").status_code == 302


def test_the_casebook_and_a_timepoint_without_a_call_are_signed_as_before(
    participant, signer, investigator_client, password
):
    MarrowFactory(participant=participant, timepoint="UNSCHEDULED", cycle_number=None)

    assert _sign(investigator_client, participant, password, "").status_code == 302
    assert _sign(investigator_client, participant, password, "UNSCHEDULED").status_code == 302

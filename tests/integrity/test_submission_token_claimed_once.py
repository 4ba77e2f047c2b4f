"""The one-time submission token of a new record: claimed by one INSERT ... ON CONFLICT DO NOTHING (no savepoint),
so a token a second request took first is refused without an error, and a save that loses that race changes
nothing: the record, its audit rows and its token are rolled back together."""

import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from assessments.models import BloodCount, FollowUpContact
from integrity.models import FormSubmission
from integrity.services import claim_submission
from tests.factories.integrity import posted_data, sample_for

pytestmark = pytest.mark.django_db


def test_a_token_is_claimed_once_and_the_transaction_goes_on(site_a):
    record = sample_for(FollowUpContact).make(site_a)
    token = uuid.uuid4()
    assert claim_submission(token, record) is True
    assert claim_submission(token, record) is False
    # no error, no savepoint needed: the transaction is still usable
    assert FormSubmission.find(token) == record
    assert FormSubmission.objects.filter(token=token).count() == 1


def test_a_save_that_loses_the_token_race_saves_nothing(site_a, coordinator_client):
    participant = sample_for(FollowUpContact).make(site_a).participant
    url = reverse("assessments:cbc-add", args=[participant.pk])
    form = coordinator_client.get(url).context["form"]
    data = {**posted_data(form), "sample_date": (datetime.date.today() - datetime.timedelta(days=2)).isoformat(),
            "anc_e9_per_l": "1.8", "platelets_e9_per_l": "160", "hb_g_per_l": "112", "wbc_e9_per_l": "4.1",
            "circulating_blasts": "ABSENT"}
    # The token taken in between the save's look-up and its claim: a submission whose record the look-up
    # cannot find (so the save goes ahead), as a second request's not yet visible record would be.
    FormSubmission.objects.create(
        token=data["submission_token"], content_type=ContentType.objects.get_for_model(BloodCount),
        object_id=2**62,
    )
    before = set(BloodCount._base_manager.values_list("pk", flat=True))

    response = coordinator_client.post(url, data)

    assert response.status_code == 302
    assert set(BloodCount._base_manager.values_list("pk", flat=True)) == before
    assert FormSubmission.objects.filter(token=data["submission_token"]).count() == 1


def test_a_new_record_claims_its_token(site_a, coordinator_client):
    participant = sample_for(FollowUpContact).make(site_a).participant
    url = reverse("assessments:cbc-add", args=[participant.pk])
    form = coordinator_client.get(url).context["form"]
    data = {**posted_data(form), "sample_date": (datetime.date.today() - datetime.timedelta(days=2)).isoformat(),
            "anc_e9_per_l": "1.8", "platelets_e9_per_l": "160", "hb_g_per_l": "112", "wbc_e9_per_l": "4.1",
            "circulating_blasts": "ABSENT"}

    assert coordinator_client.post(url, data).status_code == 302
    assert coordinator_client.post(url, data).status_code == 302  # the double submit finds the first record

    saved = FormSubmission.find(data["submission_token"])
    assert isinstance(saved, BloodCount) and saved.participant_id == participant.pk
    assert BloodCount.objects.filter(participant=participant, sample_date=saved.sample_date).count() == 1

"""Removal through the real removal page: a soft delete with a reason, audited, for every removable
clinical model; refused without a reason, for monitors, for another site's record and for locked data."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from assessments.models import BloodCount
from enrollment.models import Participant
from integrity import locking, services
from integrity.audit import clinical_models, event_model_for
from tests.factories.assessments import BloodCountFactory
from tests.factories.enrollment import ParticipantFactory
from tests.factories.integrity import sample_for

pytestmark = pytest.mark.django_db
REMOVABLE = sorted(m._meta.label for m in clinical_models() if services.removable(m))


def remove_url(record) -> str:
    ct = ContentType.objects.get_for_model(type(record))
    return reverse("integrity:record-remove", args=[ct.pk, record.pk])


def events(record) -> list:
    return list(event_model_for(type(record)).objects.filter(pgh_obj_id=record.pk).order_by("pgh_id"))


@pytest.mark.parametrize("label", REMOVABLE)
def test_removal_is_a_soft_delete_audited_with_user_and_reason_when_posted(label, site_a, data_manager,
                                                                           data_manager_client):
    from django.apps import apps

    record = sample_for(apps.get_model(label)).make(site_a)
    before = len(events(record))

    response = data_manager_client.post(remove_url(record), {"reason": "Entered for the wrong participant"})

    assert response.status_code == 302, response.content.decode()[:1500]
    stored = type(record)._base_manager.get(pk=record.pk)  # still in the database
    assert stored.is_deleted and stored.deleted_reason == "Entered for the wrong participant"
    new = events(record)[before:]
    assert len(new) == 1 and new[0].is_deleted is True
    assert new[0].pgh_context.metadata["user"] == data_manager.pk
    assert new[0].pgh_context.metadata["reason"] == "Removed: Entered for the wrong participant"


def test_removal_without_a_reason_is_refused_next_to_the_field_and_changes_nothing(participant, data_manager_client):
    record = BloodCountFactory(participant=participant)
    before = len(events(record))
    response = data_manager_client.post(remove_url(record), {"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not BloodCount.objects.get(pk=record.pk).is_deleted and len(events(record)) == before


def test_a_monitor_cannot_remove_when_trying(participant, monitor_client):
    record = BloodCountFactory(participant=participant)
    assert monitor_client.post(remove_url(record), {"reason": "x"}).status_code == 403
    assert not BloodCount.objects.get(pk=record.pk).is_deleted


def test_another_sites_record_is_not_found_when_a_coordinator_tries(site_b, coordinator_client):
    record = BloodCountFactory(participant=ParticipantFactory(screening__site=site_b))
    assert coordinator_client.post(remove_url(record), {"reason": "x"}).status_code == 404
    assert not BloodCount.objects.get(pk=record.pk).is_deleted


def test_locked_data_is_not_removed_when_a_data_manager_tries(participant, data_manager, data_manager_client):
    record = BloodCountFactory(participant=participant)
    locking.lock(user=data_manager, scope="participant", participant=participant, reason="Database lock")
    response = data_manager_client.post(remove_url(record), {"reason": "x"})
    assert response.status_code == 400 and "is locked" in response.content.decode()
    assert not BloodCount.objects.get(pk=record.pk).is_deleted


def test_a_participant_leaves_through_the_lifecycle_not_removal_when_asked(participant, data_manager_client):
    assert data_manager_client.get(remove_url(participant)).status_code == 404
    assert not Participant.objects.get(pk=participant.pk).is_deleted


def test_the_record_form_offers_removal_to_data_entry_roles_only(participant, coordinator_client, monitor_client):
    record = BloodCountFactory(participant=participant)
    edit = reverse("assessments:cbc-edit", args=[record.pk])
    assert remove_url(record) in coordinator_client.get(edit).content.decode()
    assert remove_url(record) not in monitor_client.get(edit).content.decode()

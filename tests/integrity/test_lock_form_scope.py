"""The lock form makes the scope an explicit choice: no default, no scope refused next to the field; a study
freeze needs its confirmation box ticked, or nothing is locked."""

import pytest
from django.urls import reverse

from integrity.forms import FREEZE_UNCONFIRMED, SCOPE_MISSING
from integrity.models import Lock, LockScope

pytestmark = pytest.mark.django_db


def test_lock_form_has_no_default_scope(data_manager_client):
    response = data_manager_client.get(reverse("integrity:lock-create"))
    html = response.content.decode()
    assert response.context["form"]["scope"].value() in (None, "")
    assert '<option value="" selected>Choose …</option>' in html
    assert "I understand this freezes every participant" in html


def test_lock_without_scope_refused_next_to_field(data_manager_client):
    response = data_manager_client.post(reverse("integrity:lock-create"), {"reason": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors["scope"] == [SCOPE_MISSING]
    assert 'id="error_1_id_scope"' in response.content.decode()
    assert not Lock.objects.exists()


def test_study_freeze_without_confirmation_refused(data_manager_client):
    response = data_manager_client.post(reverse("integrity:lock-create"), {"scope": "study", "reason": "Final"})
    assert response.status_code == 400
    assert response.context["form"].errors["confirm_freeze"] == [FREEZE_UNCONFIRMED]
    assert not Lock.objects.exists()


def test_study_freeze_with_confirmation_accepted(data_manager_client, data_manager):
    response = data_manager_client.post(
        reverse("integrity:lock-create"), {"scope": "study", "reason": "Final analysis", "confirm_freeze": "on"}
    )
    assert response.status_code == 302
    the_lock = Lock.objects.get()
    assert (the_lock.scope, the_lock.reason, the_lock.locked_by) == (LockScope.STUDY, "Final analysis", data_manager)


def test_participant_lock_needs_no_freeze_confirmation(data_manager_client, participant):
    response = data_manager_client.post(
        reverse("integrity:lock-create"), {"scope": "participant", "participant": participant.pk, "reason": "SDV"}
    )
    assert response.status_code == 302
    assert Lock.objects.get().participant == participant

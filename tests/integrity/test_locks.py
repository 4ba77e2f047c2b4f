"""Acceptance 5: locked data cannot be created, edited or removed by anyone (data managers included)
through any clinical form route until a data manager unlocks it with a reason; locks are audited."""

import pytest
from django.urls import reverse

from integrity import locking
from integrity.audit import changes, clinical_models
from integrity.models import Lock, LockScope
from tests.factories.integrity import form_data, sample_for
from tests.integrity.record_urls import PRESETS

MODELS = clinical_models()


def _label(model) -> str:
    return model._meta.label


def _sample(model):
    sample = sample_for(model)
    if sample is None:
        pytest.fail(f"No factory for {_label(model)} (tests/factories/{model._meta.app_label}.py)")
    return sample


def _edit(client, obj, sample):
    data = {**form_data(obj), sample.edit_field: str(sample.edit_value(getattr(obj, sample.edit_field))),
            "row_version": obj.row_version, "change_reason": "Transcription error"}
    return client.post(reverse("test-record-edit", args=[_label(type(obj)), obj.pk]), data)


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_edit_and_removal_are_refused_for_a_data_manager_when_the_participant_is_locked(
    model, record_urls, site_a, data_manager, data_manager_client
):
    sample = _sample(model)
    obj = sample.make(site_a)
    participant = locking.participant_of(obj)
    if participant is None:
        # Records before enrollment (screening) are covered by the study freeze test below.
        locking.lock(user=data_manager, scope=LockScope.STUDY)
    else:
        locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant)
    version = obj.row_version

    edit = _edit(data_manager_client, obj, sample)
    remove = data_manager_client.post(reverse("test-record-remove", args=[_label(model), obj.pk]), {"reason": "x"})

    assert edit.status_code == 403
    assert "locked" in str(edit.context["form"].non_field_errors()) or "frozen" in str(
        edit.context["form"].non_field_errors()
    )
    assert remove.status_code == 403
    obj.refresh_from_db()
    assert (obj.row_version, obj.is_deleted) == (version, False)


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_create_is_refused_when_the_study_is_frozen(model, record_urls, site_a, data_manager, data_manager_client):
    sample = _sample(model)
    presets, data = sample.new_data(site_a)
    PRESETS[_label(model)] = presets
    count = model._base_manager.count()
    locking.lock(user=data_manager, scope=LockScope.STUDY, reason="Database lock for the final analysis")

    response = data_manager_client.post(reverse("test-record-create", args=[_label(model)]), data)

    assert response.status_code == 403
    assert "frozen" in str(response.context["form"].non_field_errors())
    assert model._base_manager.count() == count


@pytest.mark.parametrize("model", [m for m in MODELS if locking.timepoint_path(m)], ids=_label)
def test_edit_is_refused_when_the_records_timepoint_is_locked(model, record_urls, site_a, data_manager,
                                                               data_manager_client):
    sample = _sample(model)
    obj = sample.make(site_a)
    timepoint = locking.timepoint_of(obj)
    if timepoint is None:
        pytest.fail(f"the sample {_label(model)} record has no timepoint")
    locking.lock(user=data_manager, scope=LockScope.TIMEPOINT, participant=locking.participant_of(obj),
                 timepoint=timepoint)

    assert _edit(data_manager_client, obj, sample).status_code == 403


def test_other_timepoints_stay_editable_when_one_timepoint_is_locked(participant, data_manager):
    locking.lock(user=data_manager, scope=LockScope.TIMEPOINT, participant=participant, timepoint="EOC1")

    assert locking.edit_blocked_reason(participant) is None


def test_edit_succeeds_again_only_after_unlock_with_a_reason(
    record_urls, participant, data_manager, data_manager_client
):
    sample = sample_for(type(participant))
    locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant, reason="SDV done")
    the_lock = Lock.objects.get()

    no_reason = data_manager_client.post(reverse("integrity:lock-unlock", args=[the_lock.pk]), {"reason": ""})
    assert no_reason.status_code == 400
    assert "reason" in no_reason.context["form"].errors
    assert _edit(data_manager_client, participant, sample).status_code == 403

    unlocked = data_manager_client.post(
        reverse("integrity:lock-unlock", args=[the_lock.pk]), {"reason": "Late lab result to enter"}
    )
    assert unlocked.status_code == 302
    participant.refresh_from_db()
    assert _edit(data_manager_client, participant, sample).status_code == 302
    trail = [(c.field, c.new, c.reason) for c in changes(user=data_manager, model_keys=["integrity.lock"])]
    assert ("unlock_reason", "Late lab result to enter", "Unlocked: Late lab result to enter") in trail


def test_only_data_managers_lock_and_unlock_when_other_roles_try(
    participant, coordinator_client, investigator_client, monitor_client, data_manager_client, data_manager
):
    the_lock = locking.lock(user=data_manager, scope=LockScope.STUDY)
    for client in (coordinator_client, investigator_client, monitor_client):
        assert client.post(reverse("integrity:lock-create"), {"scope": "study"}).status_code == 403
        assert client.post(reverse("integrity:lock-unlock", args=[the_lock.pk]), {"reason": "x"}).status_code == 403
    assert Lock.objects.filter(unlocked_at__isnull=True).count() == 1

    response = data_manager_client.post(
        reverse("integrity:lock-create"), {"scope": "participant", "participant": participant.pk, "reason": "SDV"}
    )
    assert response.status_code == 302
    assert Lock.objects.filter(scope="participant", participant=participant, unlocked_at__isnull=True).exists()


def test_a_timepoint_lock_needs_a_participant_and_a_timepoint_when_created(data_manager_client, data_manager):
    response = data_manager_client.post(reverse("integrity:lock-create"), {"scope": "timepoint"})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"participant", "timepoint"}
    assert not Lock.objects.exists()

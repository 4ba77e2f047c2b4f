"""Locks hold in PostgreSQL itself: a trigger on every clinical table refuses an insert, update or delete that a
participant, timepoint or study lock covers, whatever the write path (raw SQL, QuerySet.update(), a save that
skipped the friendly check), with the lock's own words; only unlocking with a reason lets writes in again."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from integrity import lock_triggers, locking
from integrity.audit import clinical_models
from integrity.lock_triggers import LOCKED_SQLSTATE
from integrity.models import LockScope
from tests.factories.enrollment import ParticipantFactory
from tests.factories.integrity import form_data, sample_for

MODELS = clinical_models()


def _label(model) -> str:
    return model._meta.label


def _raw_update(obj) -> None:
    """An UPDATE in raw SQL, in its own savepoint (the test goes on after a refusal)."""
    table = obj._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET row_version = row_version + 1 WHERE id = %s", [obj.pk])  # noqa: S608


def _refusal(write) -> DatabaseError:
    """The database error of `write`, run in a savepoint, which must be the lock trigger's refusal."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        write()
    assert caught.value.__cause__.diag.sqlstate == LOCKED_SQLSTATE
    assert lock_triggers.locked_message(caught.value) is not None
    return caught.value


def _sample(model, site):
    sample = sample_for(model)
    if sample is None:
        pytest.fail(f"No factory for {_label(model)}")
    return sample, sample.make(site)


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_a_raw_sql_update_is_refused_when_the_records_participant_is_locked(model, site_a, data_manager):
    _, obj = _sample(model, site_a)
    if locking.participant_of(obj) is None:  # a screening (or its consent) before enrollment: enroll it
        ParticipantFactory(screening=obj if _label(model) == "enrollment.ScreeningRecord" else obj.screening)
        obj = model._base_manager.get(pk=obj.pk)
    participant = locking.participant_of(obj)
    locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant, reason="SDV")
    version = type(obj)._base_manager.get(pk=obj.pk).row_version

    refused = _refusal(lambda: _raw_update(obj))

    # The database says what the form says.
    assert str(refused).startswith(locking.edit_blocked_reason(obj))
    assert f"Participant {participant.participant_id} is locked" in str(refused)
    assert type(obj)._base_manager.get(pk=obj.pk).row_version == version


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_every_write_to_a_clinical_table_is_refused_when_the_study_is_frozen(model, site_a, data_manager):
    _, obj = _sample(model, site_a)
    freeze = locking.lock(user=data_manager, scope=LockScope.STUDY, reason="Final analysis")
    manager = type(obj)._base_manager
    row = manager.filter(pk=obj.pk).values().get()

    update = _refusal(lambda: _raw_update(obj))
    queryset_update = _refusal(lambda: manager.filter(pk=obj.pk).update(deleted_reason="x"))
    insert = _refusal(lambda: _insert_copy(obj))

    assert all("The study database is frozen" in str(e) for e in (update, queryset_update, insert))
    assert manager.filter(pk=obj.pk).values().get() == row

    locking.unlock(freeze, user=data_manager, reason="Query on a lab value")
    _raw_update(obj)
    assert manager.get(pk=obj.pk).row_version == row["row_version"] + 1


def _insert_copy(obj) -> None:
    """INSERT a copy of the row (new key) in raw SQL."""
    columns = [f.column for f in obj._meta.concrete_fields if not f.primary_key]
    names = ", ".join(columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {obj._meta.db_table} ({names}) SELECT {names} FROM {obj._meta.db_table} WHERE id = %s",  # noqa: S608
            [obj.pk],
        )


@pytest.mark.parametrize("model", [m for m in MODELS if locking.timepoint_path(m)], ids=_label)
def test_a_raw_sql_update_is_refused_only_for_the_locked_timepoint(model, site_a, data_manager):
    _, obj = _sample(model, site_a)
    participant, timepoint = locking.participant_of(obj), locking.timepoint_of(obj)
    locking.lock(user=data_manager, scope=LockScope.TIMEPOINT, participant=participant, timepoint=timepoint)

    refused = _refusal(lambda: _raw_update(obj))
    assert f"Timepoint {timepoint} of participant {participant.participant_id} is locked" in str(refused)

    # The participant's own row has no timepoint: it stays writable, in the database as in the Python check.
    _raw_update(participant)
    assert locking.edit_blocked_reason(participant) is None


def test_a_participant_lock_leaves_other_participants_writable(participant, participant_b, data_manager):
    locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant)

    _raw_update(participant_b)
    _refusal(lambda: _raw_update(participant))


def test_locking_and_unlocking_stay_possible_while_data_is_locked(participant, data_manager):
    first = locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant)
    freeze = locking.lock(user=data_manager, scope=LockScope.STUDY)

    locking.unlock(first, user=data_manager, reason="Late result")
    _refusal(lambda: _raw_update(participant))  # the freeze still holds
    locking.unlock(freeze, user=data_manager, reason="Freeze lifted")

    _raw_update(participant)


def test_a_save_that_skips_the_friendly_check_is_refused_with_a_message_not_a_500(
    record_urls, participant, data_manager, data_manager_client, monkeypatch
):
    sample = sample_for(type(participant))
    locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant, reason="SDV")
    monkeypatch.setattr(locking, "edit_blocked_reason", lambda instance: None)
    before = participant.row_version
    data = {
        **form_data(participant),
        sample.edit_field: str(sample.edit_value(getattr(participant, sample.edit_field))),
        "row_version": participant.row_version,
        "change_reason": "Transcription error",
    }

    response = data_manager_client.post(
        reverse("test-record-edit", args=["enrollment.Participant", participant.pk]), data
    )

    assert response.status_code == 403
    assert f"Participant {participant.participant_id} is locked" in str(response.context["form"].non_field_errors())
    participant.refresh_from_db()
    assert participant.row_version == before


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_the_trigger_finds_a_records_participant_and_timepoint_as_the_python_check_does(model):
    assert lock_triggers.participant_path(model) == locking.participant_path(model)
    assert lock_triggers.timepoint_path(model) == locking.timepoint_path(model)

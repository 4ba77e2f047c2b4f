"""Acceptance 2: writes that bypass the views are audited by the database; audit rows are append-only."""

import pytest
from django.db import DatabaseError, connection, transaction

from enrollment.models import Participant
from integrity.audit import changes, event_model_for


def test_queryset_update_writes_an_audit_row_when_no_view_is_involved(participant, data_manager):
    Participant.objects.filter(pk=participant.pk).update(weight_kg="81.5")

    updates = [c for c in changes(user=data_manager, record=participant) if c.action == "update"]
    assert [(c.field, c.old, c.new, c.username) for c in updates] == [("weight_kg", "70.0", "81.5", "")]


def test_raw_sql_update_writes_an_audit_row_when_no_orm_is_involved(participant, data_manager):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE enrollment_participant SET height_cm = 180.0 WHERE id = %s", [participant.pk])

    updates = [c for c in changes(user=data_manager, record=participant) if c.action == "update"]
    assert [(c.field, c.old, c.new) for c in updates] == [("height_cm", "170.0", "180.0")]


@pytest.mark.parametrize("statement", ["UPDATE {table} SET weight_kg = 1 WHERE pgh_obj_id = %s",
                                       "DELETE FROM {table} WHERE pgh_obj_id = %s"])
def test_changing_an_audit_row_raises_when_done_on_postgresql(participant, statement):
    event_model = event_model_for(Participant)
    table = event_model._meta.db_table
    before = event_model.objects.filter(pgh_obj_id=participant.pk).count()

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table), [participant.pk])

    assert event_model.objects.filter(pgh_obj_id=participant.pk).count() == before


def test_orm_delete_of_audit_rows_raises_when_attempted(participant):
    event_model = event_model_for(Participant)

    with pytest.raises(DatabaseError), transaction.atomic():
        event_model.objects.filter(pgh_obj_id=participant.pk).delete()


def test_hard_delete_of_a_clinical_record_raises_when_attempted(participant):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM enrollment_participant WHERE id = %s", [participant.pk])

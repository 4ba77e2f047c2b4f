"""The lock refusal names the lock's time as every page shows a time (issue 17: one way, 5 Mar 2026 08:07 UTC),
in the database trigger's words and in the form's alike."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from assessments.models import BloodCount
from integrity import lock_triggers, locking
from integrity.models import Lock, LockScope
from tests.factories.assessments import BloodCountFactory

pytestmark = pytest.mark.django_db

LOCKED_AT = datetime.datetime(2026, 3, 5, 8, 7, 30, tzinfo=datetime.UTC)  # a one-digit day: no leading zero


def test_the_trigger_and_the_form_name_the_lock_time_alike(participant, data_manager):
    count = BloodCountFactory(participant=participant)
    lock = locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant, reason="SDV done")
    Lock.objects.filter(pk=lock.pk).update(locked_at=LOCKED_AT)

    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {BloodCount._meta.db_table} SET hb_g_per_l = 90 WHERE id = %s", [count.pk])  # noqa: S608

    said = lock_triggers.locked_message(caught.value)
    assert said == (f"Participant {participant.participant_id} is locked (since 5 Mar 2026 08:07 UTC); "
                    "unlock it with a reason to edit.")
    assert locking.edit_blocked_reason(count) == said

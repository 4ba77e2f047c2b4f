"""Security events cannot be changed or removed: not through the ORM, and not by the application role in SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from integrity.models import SecurityEvent, SecurityEventKind
from integrity.security_log import record_security_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(coordinator):
    return record_security_event(SecurityEventKind.LOGIN, user=coordinator, detail="password")


def _refused(statement: str, params=None) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    return str(caught.value)


def test_the_application_role_may_not_update_or_delete_or_truncate_security_events(event):
    assert "permission denied" in _refused("UPDATE integrity_securityevent SET detail = 'x' WHERE id = %s", [event.pk])
    assert "permission denied" in _refused("DELETE FROM integrity_securityevent WHERE id = %s", [event.pk])
    assert "permission denied" in _refused("TRUNCATE integrity_securityevent")
    assert SecurityEvent.objects.get(pk=event.pk).detail == "password"


def test_the_orm_cannot_change_or_delete_one_either(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).update(detail="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    assert SecurityEvent.objects.filter(pk=event.pk, detail="password").exists()


def test_a_trigger_refuses_the_change_even_where_the_privilege_exists():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'integrity_securityevent'::regclass "
            "AND tgname LIKE 'pgtrigger_append_only%%' AND tgenabled = 'O'"
        )
        assert cursor.fetchone()[0] == 1

"""The application's database role cannot tamper with the data or its audit trail: it is no superuser and owns no
table, so TRUNCATE, disabling or dropping a trigger, `session_replication_role`, changing or deleting audit rows,
skipping a trigger through pgtrigger's switch and creating objects all fail; and TRUNCATE is refused by a
trigger even for the owner. (The whole suite runs as this role: tests/database_roles.py.)"""

import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from blinatrial import db_roles
from enrollment.models import Participant
from tests.factories.enrollment import ParticipantFactory

pytestmark = pytest.mark.django_db

CLINICAL = "enrollment_participant"
EVENT = "enrollment_participantevent"


def _refused(statement: str, params=None) -> str:
    """The database's refusal of `statement` run as the application role (in a savepoint)."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    return str(caught.value)


def _scalar(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def test_the_tests_connect_as_a_role_that_is_no_superuser_and_owns_no_table():
    assert _scalar("SELECT current_user") == settings.DATABASE_APP_ROLE
    assert (
        _scalar(
            "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        is False
    )
    assert _scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user") == 0
    assert _scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") > 50
    assert settings.DATABASE_OWNER["USER"] != settings.DATABASE_APP_ROLE


@pytest.mark.parametrize("table", [CLINICAL, EVENT, "integrity_dataversion", "pghistory_context"])
def test_truncate_is_refused_to_the_application_role(table):
    assert "permission denied" in _refused(f"TRUNCATE {table} CASCADE")


def test_triggers_cannot_be_disabled_or_dropped_by_the_application_role():
    assert "must be owner" in _refused(f"ALTER TABLE {CLINICAL} DISABLE TRIGGER ALL")
    trigger = _scalar(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE %s LIMIT 1",
        [CLINICAL, "pgtrigger_no_hard_delete%"],
    )
    assert "must be owner" in _refused(f'DROP TRIGGER "{trigger}" ON {CLINICAL}')


def test_session_replication_role_cannot_be_set_by_the_application_role():
    assert "permission denied" in _refused("SET session_replication_role = replica")


def test_audit_rows_cannot_be_changed_or_deleted_by_the_application_role():
    participant = ParticipantFactory()
    events = _scalar(f"SELECT count(*) FROM {EVENT} WHERE pgh_obj_id = %s", [participant.pk])  # noqa: S608
    assert events >= 1

    assert "permission denied" in _refused(
        "UPDATE enrollment_participantevent SET height_cm = 1 WHERE pgh_obj_id = %s", [participant.pk]
    )
    assert "permission denied" in _refused(
        "DELETE FROM enrollment_participantevent WHERE pgh_obj_id = %s", [participant.pk]
    )
    assert "permission denied" in _refused("DELETE FROM pghistory_context")
    assert _scalar(f"SELECT count(*) FROM {EVENT} WHERE pgh_obj_id = %s", [participant.pk]) == events  # noqa: S608


def test_pgtriggers_ignore_switch_does_not_work_for_the_application_role():
    participant = ParticipantFactory()
    triggers = _scalar(
        "SELECT '{' || string_agg(tgname, ',') || '}' FROM pg_trigger WHERE tgrelid = %s::regclass "
        "AND tgname LIKE 'pgtrigger_%%'",
        [CLINICAL],
    )

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [triggers])
        assert "Cannot delete" in _refused("DELETE FROM enrollment_participant WHERE id = %s", [participant.pk])

    assert Participant.objects.filter(pk=participant.pk).exists()


def test_the_application_role_cannot_create_objects():
    assert "permission denied" in _refused("CREATE TABLE public.sneaky (id int)")
    assert "permission denied" in _refused(
        "CREATE FUNCTION public._pgtrigger_should_ignore(text) RETURNS boolean AS 'SELECT true' LANGUAGE sql"
    )


@pytest.mark.django_db(transaction=True)  # no test transaction holding locks that TRUNCATE would wait for
def test_truncate_is_refused_by_a_trigger_even_for_the_owner():
    params = {**connection.get_connection_params(), **_owner_params()}
    with psycopg.connect(**params) as owner:
        owner.execute("SET lock_timeout = '10s'")
        for table in (CLINICAL, EVENT, "integrity_dataversion"):
            with pytest.raises(psycopg.Error, match="cannot be emptied"), owner.transaction():
                owner.execute(f"TRUNCATE {table} CASCADE")


def _owner_params() -> dict:
    owner = db_roles.owner_credentials()
    return {"user": owner["USER"], "password": owner["PASSWORD"] or ""}

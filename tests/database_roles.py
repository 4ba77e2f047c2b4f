"""The tests connect as a restricted application role, as production does (blinatrial.db_roles).

Before pytest-django creates the test database, `prepare()` settles the two roles:
- a split configured (DATABASE_MIGRATION_URL set, as in CI, or the embedded database): its owner and its
  application role (which must exist);
- one URL only (a superuser's DATABASE_URL, as on the development machines): that user is the owner, and a role
  of the test database's own, `<test database>_app`, is created (or reset) with a new password.
The test database is created and migrated as the owner, and the post_migrate grants follow as in production;
then every connection of the run (the live server's and the Celery worker's included) is the application
role's. The flush after a transactional test runs as the owner, the one role that may skip the TRUNCATE
triggers (`pgtrigger.ignore`, which the application role cannot use).
"""

import secrets

import pgtrigger
from django.conf import settings
from django.db import connections
from django.test import TransactionTestCase
from psycopg import sql

from blinatrial import db_roles
from integrity.lock_triggers import NoTruncate

ALIAS = "default"
_roles: dict[str, dict[str, str | None]] = {}


def prepare() -> None:
    """Decide (and if needed create) the owner and application roles; connect as the owner for the set-up."""
    configured = db_roles.owner_credentials()
    current = {key: connections.settings[ALIAS].get(key) for key in db_roles.CREDENTIALS}
    owner = configured or current
    if configured is None:
        role = f"{connections[ALIAS].creation._get_test_db_name()}_app"[:63]
        app = {"USER": role, "PASSWORD": secrets.token_urlsafe(24)}
        _create_role(app)
    else:
        app = current
    settings.DATABASE_OWNER = owner
    settings.DATABASE_APP_ROLE = app["USER"]
    _roles.update(owner=owner, app=app)
    db_roles.set_credentials(ALIAS, owner)


def _create_role(app: dict[str, str | None]) -> None:
    """A login role with no other attribute (no superuser, no database or role creation), password reset."""
    role = sql.Identifier(app["USER"])
    with connections[ALIAS]._nodb_cursor() as cursor:
        for statement in (
            sql.SQL("DO $$ BEGIN CREATE ROLE {}; EXCEPTION WHEN duplicate_object THEN NULL; END $$").format(role),
            sql.SQL(
                "ALTER ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {}"
            ).format(role, sql.Literal(app["PASSWORD"])),
        ):
            cursor.execute(statement.as_string(cursor.connection))


def connect_as(which: str) -> None:
    connections.close_all()
    db_roles.set_credentials(ALIAS, _roles[which])


def install_owner_flush() -> None:
    """The flush after a transactional test: as the owner, skipping the TRUNCATE triggers."""
    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        names = [
            trigger.get_pgid(model) for model, trigger in pgtrigger.registered() if trigger.name == NoTruncate.name
        ]
        with db_roles.as_owner(ALIAS):
            with connections[ALIAS].cursor() as cursor:
                cursor.execute("SELECT set_config('pgtrigger.ignore', %s, false)", ["{" + ",".join(names) + "}"])
            original(self)

    _fixture_teardown.original = original
    TransactionTestCase._fixture_teardown = _fixture_teardown


def uninstall_owner_flush() -> None:
    TransactionTestCase._fixture_teardown = TransactionTestCase._fixture_teardown.original

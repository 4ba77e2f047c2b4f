"""Two database roles: an owner that runs migrations, and the application role, which owns nothing.

The application connects as `DATABASE_URL`'s user (settings.DATABASE_APP_ROLE): not a superuser, owner of no
table, so it cannot disable a trigger, drop one, set `session_replication_role` or change the schema. The owner
(`DATABASE_MIGRATION_URL`'s user and password, settings.DATABASE_OWNER) creates and alters the tables:
`manage.py migrate` runs as the owner (integrity's `migrate` command wraps Django's in `as_owner`), and after
every migrate, still as the owner, `grant_after_migrate` gives the application role exactly what it needs:

- every table: SELECT, INSERT, UPDATE, DELETE (clinical rows still cannot be hard-deleted: a trigger refuses);
- audit event tables and append-only logs (a model with `append_only = True`, e.g. integrity.SecurityEvent): SELECT
  and INSERT only (the trail is append-only for the role, not only by trigger);
- pghistory's context table: no DELETE; django_migrations: SELECT only;
- never TRUNCATE, TRIGGER or REFERENCES; sequences: USAGE and SELECT;
- default privileges: a table a later migration creates is readable and insertable at once (the grants after
  that migrate add the rest).

It also makes pgtrigger's "ignore this trigger" switch (the `pgtrigger.ignore` setting, which any session may
set) work for the owner only, so the application role cannot switch off the audit, lock or delete triggers.

With `DATABASE_MIGRATION_URL` unset the owner is the application's own user (the single-user set-up of old):
nothing is swapped or granted.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from pghistory.models import Event
from psycopg import sql

CREDENTIALS = ("USER", "PASSWORD")
CONTEXT_TABLE = "pghistory_context"
READ_ONLY_TABLES = ("django_migrations",)
# pgtrigger's own function (pgtrigger/compiler.py), with one line added: only the owner may skip a trigger.
IGNORE_FUNCTION = """
CREATE OR REPLACE FUNCTION public._pgtrigger_should_ignore(trigger_name NAME) RETURNS BOOLEAN AS $$
    DECLARE
        _pgtrigger_ignore TEXT[];
        _result BOOLEAN;
    BEGIN
        IF NOT pg_has_role(current_user, {owner}, 'MEMBER') THEN
            RETURN FALSE;
        END IF;
        BEGIN
            SELECT INTO _pgtrigger_ignore CURRENT_SETTING('pgtrigger.ignore');
            EXCEPTION WHEN OTHERS THEN
        END;
        IF _pgtrigger_ignore IS NOT NULL THEN
            SELECT trigger_name = ANY(_pgtrigger_ignore) INTO _result;
            RETURN _result;
        ELSE
            RETURN FALSE;
        END IF;
    END;
$$ LANGUAGE plpgsql
"""


def owner_credentials() -> dict[str, str] | None:
    """{"USER", "PASSWORD"} of the owner, or None when the application connects as the owner itself."""
    return getattr(settings, "DATABASE_OWNER", None)


def set_credentials(alias: str, credentials: dict[str, str | None]) -> None:
    """Connect `alias` as another user from its next connection on (every thread shares the settings)."""
    for settings_dict in {id(d): d for d in (connections.settings[alias], connections[alias].settings_dict)}.values():
        settings_dict.update(credentials)


@contextmanager
def as_owner(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block connected as the owner (a no-op when already connected as it, or with no owner set)."""
    owner = owner_credentials()
    connection = connections[alias]
    if not owner or connection.settings_dict.get("USER") == owner["USER"]:
        yield
        return
    saved = {key: connection.settings_dict.get(key) for key in CREDENTIALS}
    connection.close()
    set_credentials(alias, owner)
    try:
        yield
    finally:
        connection.close()
        set_credentials(alias, saved)


def event_models() -> list[type]:
    """The audit trail's models: one per tracked model (pghistory builds them)."""
    return [m for m in apps.get_models() if issubclass(m, Event) and m._meta.managed and not m._meta.proxy]


def event_tables() -> list[str]:
    return sorted(m._meta.db_table for m in event_models())


def append_only_tables() -> list[str]:
    """Tables of the models that declare `append_only = True` (logs written once, never changed)."""
    return sorted(m._meta.db_table for m in apps.get_models() if getattr(m, "append_only", False))


def grant_statements(app_role: str, owner_role: str, existing_tables: set[str]) -> list[sql.Composable]:
    """The GRANT / REVOKE statements that give `app_role` its privileges (see the module docstring)."""
    app, owner = sql.Identifier(app_role), sql.Identifier(owner_role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC, {}").format(app),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(app),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(app),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(app),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(app),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO {}").format(
            owner, app
        ),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}").format(
            owner, app
        ),
    ]
    restricted = [(table, "UPDATE, DELETE") for table in (*event_tables(), *append_only_tables())]
    restricted += [(CONTEXT_TABLE, "DELETE")] + [(table, "INSERT, UPDATE, DELETE") for table in READ_ONLY_TABLES]
    statements += [
        sql.SQL("REVOKE {} ON {} FROM {}").format(sql.SQL(privileges), sql.Identifier(table), app)
        for table, privileges in restricted
        if table in existing_tables
    ]
    return statements


def grant_app_privileges(alias: str, app_role: str) -> None:
    """As the owner (the connection of `alias`): grant `app_role` its privileges, and let only the owner skip
    a trigger. One transaction: the role never holds half of it."""
    connection = connections[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner_role = cursor.fetchone()[0]
        existing = set(connection.introspection.table_names(cursor))
        for statement in grant_statements(app_role, owner_role, existing):
            cursor.execute(statement.as_string(cursor.connection))
        ignore = sql.SQL(IGNORE_FUNCTION).format(owner=sql.Literal(owner_role))
        cursor.execute(ignore.as_string(cursor.connection))


def grant_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, plan=None, **kwargs) -> None:
    """post_migrate receiver: after `migrate` (not after a test flush, which sends no plan), when connected as
    someone other than the application role (the owner), grant the application role its privileges."""
    app_role = getattr(settings, "DATABASE_APP_ROLE", None)
    if plan is None or not app_role or connections[using].settings_dict.get("USER") == app_role:
        return
    grant_app_privileges(using, app_role)

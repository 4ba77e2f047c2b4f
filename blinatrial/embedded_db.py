"""The embedded default database: a private PostgreSQL 16 started from the pgserver wheel.

Used only when DATABASE_URL is not set, so that a fresh clone runs with one command and the
demo, the tests and production all use the same engine (constraints, locking, audit triggers).
As in production, the application connects as a role that owns nothing and migrations run as the
owner (blinatrial.db_roles): both roles and the database are created here on first use.
"""

from pathlib import Path

import psycopg
from psycopg import sql

DATABASE = "blinatrial"
OWNER_ROLE = "blinatrial_owner"
APP_ROLE = "blinatrial_app"


def embedded_database_urls(data_dir: Path) -> tuple[str, str]:
    """Start (or reuse) the private PostgreSQL in `data_dir`; return (application URL, owner URL)."""
    import pgserver  # imported lazily: production never loads it

    data_dir.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so runserver's autoreloader,
    # the Celery worker and manage.py commands share one server.
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    info = server.get_postmaster_info()
    _ensure_roles_and_database(info.get_uri())  # as the superuser pgserver made (local trust authentication)
    return info.get_uri(user=APP_ROLE, database=DATABASE), info.get_uri(user=OWNER_ROLE, database=DATABASE)


def _ensure_roles_and_database(superuser_uri: str) -> None:
    with psycopg.connect(superuser_uri, autocommit=True) as conn:
        existing = {row[0] for row in conn.execute("SELECT rolname FROM pg_roles")}
        # The owner creates the test databases of `make test` too; neither role is a superuser.
        for role, options in ((OWNER_ROLE, "LOGIN CREATEDB"), (APP_ROLE, "LOGIN")):
            if role not in existing:
                conn.execute(sql.SQL("CREATE ROLE {} " + options).format(sql.Identifier(role)))
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone() is None:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(DATABASE), sql.Identifier(OWNER_ROLE))
            )

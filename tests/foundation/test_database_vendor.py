import os

from django.db import connection


def test_database_is_postgresql(db):
    # DATABASE_URL (CI) or the embedded pgserver default: PostgreSQL either way.
    assert connection.vendor == "postgresql"
    if os.environ.get("DATABASE_URL"):
        url = os.environ["DATABASE_URL"]
        assert url.startswith(("postgres://", "postgresql://"))
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            assert cursor.fetchone()[0]

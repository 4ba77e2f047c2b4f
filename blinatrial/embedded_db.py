"""The embedded default database: a private PostgreSQL 16 started from the pgserver wheel.

Used only when DATABASE_URL is not set, so that a fresh clone runs with one command and the
demo, the tests and production all use the same engine (constraints, locking, audit triggers).
"""

from pathlib import Path


def embedded_database_url(data_dir: Path) -> str:
    """Start (or reuse) the private PostgreSQL in `data_dir` and return its URL."""
    import pgserver  # imported lazily: production never loads it

    data_dir.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so runserver's autoreloader,
    # the Celery worker and manage.py commands share one server.
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    return server.get_uri()

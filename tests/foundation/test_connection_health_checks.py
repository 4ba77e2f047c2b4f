"""The first request after PostgreSQL dropped a worker's idle persistent connection still succeeds."""

import io

import psycopg
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from tests.celery_worker import test_database_url as database_url


def wsgi_get(path: str) -> tuple[str, bytes]:
    """One request through Django's WSGI handler, as gunicorn sends it (request_started/finished signals included)."""
    status_line = {}

    def start_response(status, headers, exc_info=None):
        status_line["status"] = status

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    body = b"".join(WSGIHandler()(environ, start_response))
    return status_line["status"], body


def test_the_settings_check_a_persistent_connection_before_reusing_it():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db(transaction=True)
def test_a_request_after_the_server_dropped_the_idle_connection_answers_200():
    status, _ = wsgi_get("/health")  # opens the worker's persistent connection and keeps it (CONN_MAX_AGE)
    assert status.startswith("200")
    assert connection.connection is not None
    backend_pid = connection.connection.info.backend_pid
    with psycopg.connect(database_url(), autocommit=True) as admin:  # what an idle timeout or restart does
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    status, body = wsgi_get("/health")
    assert status.startswith("200"), body
    assert b'"database": "ok"' in body
    assert connection.connection.info.backend_pid != backend_pid

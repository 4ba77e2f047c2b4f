"""Real web servers for a test: gunicorn processes on free loopback ports, on the pytest database.

Each server is its own process (its own memory), so only what the deployment shares (PostgreSQL, Redis) is
shared between them. A small HTTP client with a cookie jar talks to any of them; the same cookies on another
server are the same browser behind a load balancer. Servers are stopped by their PIDs when the block ends.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from tests.celery_worker import test_database_url
from tests.redis_server import _free_port

REPO = Path(__file__).resolve().parents[1]
TEST_PROCESS_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by the browser fixtures for the test process only


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """One user's cookies, sent to whichever server a request goes to."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, data: dict | None = None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Host": f"127.0.0.1:{port}", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            content = raw.read()
            for value in raw.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(value)
                self.cookies.update({key: morsel.value for key, morsel in jar.items()})
            return Response(raw.status, content, dict(raw.headers.items()))
        finally:
            conn.close()

    def get(self, port: int, path: str) -> Response:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, data: dict) -> Response:
        return self.request(port, "POST", path, data)


def server_env(extra: dict[str, str]) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k not in TEST_PROCESS_ONLY}
    return {
        **inherited,
        "DATABASE_URL": test_database_url(),
        "DATABASE_MIGRATION_URL": "",
        "CELERY_BROKER_URL": "",  # tasks inline, in the server that saved
        "DB_CONN_MAX_AGE": "0",
        "DJANGO_DEBUG": "true",
        "DJANGO_LOG_LEVEL": "WARNING",
        **extra,
    }


@contextmanager
def gunicorn(env: dict[str, str]):
    """One gunicorn (one sync worker) on a free port; yields the port once /health answers."""
    port = _free_port()
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "blinatrial.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}",
           "--timeout", "120", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, start_new_session=True)  # noqa: S603
    try:
        _wait_healthy(proc, port)
        yield port
    finally:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def web_servers(count: int, extra_env: dict[str, str]):
    """`count` separate server processes on the test database; yields their ports."""
    env = server_env(extra_env)
    with ExitStack() as stack:
        yield [stack.enter_context(gunicorn(env)) for _ in range(count)]


def _wait_healthy(proc: subprocess.Popen, port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            if Browser().get(port, "/health").status in (200, 503):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn on port {port} did not answer within {timeout:.0f} s")

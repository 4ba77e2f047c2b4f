"""A real Celery worker in a subprocess, on the real Redis broker and the pytest database.

pytest-celery 1.x needs Docker, which this machine lacks; a subprocess is the real thing too.
The worker is stopped by its PID when the fixture ends.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path

from django.db import connection
from kombu import pools as kombu_pools

from blinatrial.celery import app as celery_app

REPO = Path(__file__).resolve().parents[1]
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_database_url() -> str:
    s = connection.settings_dict
    host = s.get("HOST") or ""
    port = s.get("PORT") or ""
    user = s.get("USER") or "postgres"
    password = s.get("PASSWORD") or ""
    if host.startswith("/"):
        return f"postgresql://{user}:{password}@/{s['NAME']}?host={host}"
    return f"postgresql://{user}:{password}@{host}:{port}/{s['NAME']}"


@contextmanager
def running_worker(
    *,
    beat: bool = False,
    extra_env: dict[str, str] | None = None,
    broker_url: str = TEST_REDIS_URL,
    log_file: Path | None = None,
    log_level: str = "warning",
):
    """Start a worker (optionally with embedded beat, its output in `log_file`), point this process's Celery app
    at it."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DB_CONN_MAX_AGE": "0",
        **(extra_env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "blinatrial",
        "worker",
        "-P",
        "solo",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "-l",
        log_level,
        "-n",
        f"{queue}@%h",
    ]
    if beat:
        cmd += ["-B", "-s", str(Path(tempfile.gettempdir()) / f"beat-{queue}")]
    saved = {k: celery_app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager", "task_default_queue")}
    celery_app.conf.update(
        broker_url=broker_url, result_backend=broker_url, task_always_eager=False, task_default_queue=queue
    )
    _reset_connections()  # an earlier test may have left pools bound to another broker
    # The worker's output always goes to a file, so a worker that does not answer can be shown in the failure.
    log_path = log_file or Path(tempfile.gettempdir()) / f"celery-{queue}.log"
    output = open(log_path, "ab")  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, start_new_session=True, stdout=output, stderr=output)  # noqa: S603
    try:
        _wait_ready(proc, log_path)
        yield proc
    finally:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
        celery_app.conf.update(saved)
        _reset_connections()
        output.close()
        if log_file is None:
            log_path.unlink(missing_ok=True)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    """Signal the worker and its children (embedded beat); nothing to do if they all exited already."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def _reset_connections() -> None:
    """Forget the Celery app's cached routes, connection pool and result backend (they hold the old conf)."""
    celery_app.__dict__.pop("amqp", None)
    kombu_pools.reset()  # kombu keeps pools in a global registry keyed by broker URL: clear it too
    celery_app._pool = None
    vars(celery_app._local).pop("backend", None)
    celery_app._backend_cache = None


READY_SECONDS = 90.0  # about 3.5 s on an idle machine; a loaded 2-core CI runner is far slower


def _wait_ready(proc: subprocess.Popen, log_path: Path, timeout: float = READY_SECONDS) -> None:
    from blinatrial.tasks import ping

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited with {proc.returncode}\n{_diagnosis(log_path)}")
        try:
            if ping.apply_async().get(timeout=2) == "pong":
                return
        except Exception:  # noqa: S112 - the worker is still starting
            continue
    raise RuntimeError(f"celery worker did not answer within {timeout:.0f} s\n{_diagnosis(log_path)}")


def _diagnosis(log_path: Path) -> str:
    """What the worker printed, and what the database's other sessions were doing (a held lock stalls a solo
    worker's start-up reconciliation, and with it every ping queued behind it)."""
    try:
        printed = log_path.read_text(errors="replace")[-6000:]
    except OSError as error:
        printed = f"(no worker output: {error})"
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, state, wait_event_type, wait_event, now() - xact_start, left(query, 200) "
                "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            sessions = "\n".join(repr(row) for row in cursor.fetchall()) or "(none)"
    except Exception as error:  # noqa: BLE001 - a diagnosis must not hide the failure it explains
        sessions = f"(could not read pg_stat_activity: {error})"
    return f"--- worker output ---\n{printed}\n--- other database sessions ---\n{sessions}"

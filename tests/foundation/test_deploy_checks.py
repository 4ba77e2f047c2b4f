import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 20 + "-test-only-production-like-secret-key-0123456789",
    "DJANGO_ALLOWED_HOSTS": "edc.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://edc.example.org",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


# Set by the browser fixtures for the test process only; a deployment never has it.
TEST_PROCESS_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if k not in TEST_PROCESS_ONLY}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_app_refuses_to_start_on_the_development_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SECRET_KEY"] = ""
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr

"""`make run` serves the demo with DEBUG off over plain http on this machine: no https redirect, no secure-only
cookies, no HSTS, a per-install secret key; a deployment (no BLINATRIAL_LOCAL_HTTP) keeps all of them."""

import re
from pathlib import Path

from tests.foundation.test_deploy_checks import PRODUCTION_ENV, REPO, run_manage

SHOW = ("from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)")


def _settings(env: dict) -> str:
    result = run_manage("shell", "-c", SHOW, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_local_http_turns_off_only_the_https_settings():
    local = {**PRODUCTION_ENV, "BLINATRIAL_LOCAL_HTTP": "true", "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1"}
    assert _settings(local) == "False False False False 0"
    assert _settings(PRODUCTION_ENV) == "False True True True 31536000"


def test_make_run_uses_debug_off_a_generated_key_and_collected_static():
    makefile = (REPO / "Makefile").read_text()
    run = re.search(r"^run:.*?(?=^\S)", makefile, re.S | re.M).group(0)
    assert "$(LOCAL_RUN) $(PY) manage.py collectstatic --noinput" in run
    assert "$(LOCAL_RUN) $(PY) manage.py runserver" in run
    local = re.search(r"^LOCAL_RUN :=.*$", makefile, re.M).group(0)
    assert "DJANGO_DEBUG=false" in local and "BLINATRIAL_LOCAL_HTTP=true" in local
    key_file = re.search(r"^SECRET_FILE := (\S+)$", makefile, re.M).group(1)
    assert key_file.startswith(".data/")  # git-ignored, made on first run, never committed
    assert ".data/" in (REPO / ".gitignore").read_text().split()
    assert not (REPO / key_file).exists() or not _tracked(REPO / key_file)


def _tracked(path: Path) -> bool:
    import subprocess

    result = subprocess.run(["git", "ls-files", "--error-unmatch", str(path)], cwd=REPO,  # noqa: S603, S607
                            capture_output=True, check=False)
    return result.returncode == 0

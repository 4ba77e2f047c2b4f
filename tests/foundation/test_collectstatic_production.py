"""The production image collects static files with the manifest storage (Dockerfile): every file a
stylesheet or script references must exist, or the build fails."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_collectstatic_succeeds_with_the_production_storage_when_run_as_the_dockerfile_does(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {  # as in the Dockerfile's collectstatic step
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "collectstatic-only",
        "DATABASE_URL": "postgres://x@localhost/x",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/bootstrap/bootstrap.min.css" in manifest and "css/app.css" in manifest

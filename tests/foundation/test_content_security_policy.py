"""Content-Security-Policy: the header under production settings, and no inline script or style in any template."""

import re
from pathlib import Path

from tests.foundation.test_deploy_checks import PRODUCTION_ENV, run_manage

REPO = Path(__file__).resolve().parents[2]
PRINT_HEADER = (
    "from django.test import Client; "
    "r = Client().get('/health', HTTP_HOST='edc.example.org'); "
    "print(r['Content-Type']); print(r['Content-Security-Policy'])"
)
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_the_policy_header_is_sent_under_production_settings():
    env = {**PRODUCTION_ENV, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}  # nothing listens: no broker needed
    result = run_manage("shell", "-c", PRINT_HEADER, env=env)
    assert result.returncode == 0, result.stderr
    kind, header = result.stdout.strip().splitlines()[-2:]
    assert kind == "application/json"
    directives = dict(d.strip().split(" ", 1) for d in header.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


def test_no_template_has_inline_script_or_style():
    found = [
        f"{path.relative_to(REPO)}:{number}: {kind}"
        for path in sorted((REPO / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for kind, pattern in INLINE.items()
        if pattern.search(line)
    ]
    assert found == []

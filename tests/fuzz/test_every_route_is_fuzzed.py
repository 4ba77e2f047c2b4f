"""The fuzz table covers every URL pattern, and no view reads a query parameter past its form."""

import re
from pathlib import Path

from tests.fuzz.routes import ROUTES, admin_patterns, walk

REPO = Path(__file__).resolve().parents[2]
APPS = ("blinatrial", "enrollment", "cycles", "assessments", "endpoints", "integrity", "exports", "api")


# The REST API (/api/v1/) answers JSON to a token, not forms to a session: tests/api/test_schemathesis.py fuzzes
# every operation of its schema.
FUZZED_ELSEWHERE = ("admin:", "api:")


def test_every_url_pattern_of_the_project_has_an_entry_in_the_fuzz_table():
    project = {name for name, _, _ in walk() if not name.startswith(FUZZED_ELSEWHERE)}
    assert sorted(project - set(ROUTES)) == [], "add these URL patterns to tests/fuzz/routes.py ROUTES"
    assert sorted(set(ROUTES) - project) == [], "these ROUTES entries name no URL pattern any more"


def test_every_admin_pattern_is_fuzzed_by_the_admin_walk():
    admin = [route for name, _, route in walk() if name.startswith("admin:")]
    fuzzed = {route for _, _, route in admin_patterns()}
    assert len(admin) == len(fuzzed) > 50  # one fuzz test per pattern, the unnamed ones (redirects, catch-all) too


def test_no_view_reads_a_query_parameter_without_its_form():
    raw = re.compile(r"request\.GET(\.get\(|\[|\.getlist\()")
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for app in APPS
        for path in sorted((REPO / app).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if raw.search(line)
    ]
    assert offenders == [], "parse query parameters with blinatrial.params.parse_query and a form"

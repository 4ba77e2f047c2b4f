"""Issue 18: more than one web server. Two gunicorn processes share PostgreSQL and one Redis cache: a sign-in on
one is a sign-in on the other, a change saved through one shows on the dashboard the other serves next, and the
page one server rendered is the page the other serves from the shared cache (a per-process memory cache would
render it again: the page's CSRF token, masked anew at each rendering, would differ)."""

import re

import pytest
from django.urls import reverse

from endpoints import triggers
from tests.celery_worker import TEST_REDIS_URL
from tests.factories.endpoints import treated_without_flow_mrd
from tests.login import current_code
from tests.web_servers import Browser, web_servers

DASHBOARD = reverse("endpoints:dashboard")


def primary_eoc1(response) -> str:
    """The primary endpoint at EOC1 as the page states it, e.g. "0/1"."""
    assert response.status == 200, response.text[:2000]
    match = re.search(r"EOC1\s+(\d+)\s*/\s*(\d+)\s*=", re.sub(r"<[^>]+>", " ", response.text))
    assert match, "no primary endpoint on the dashboard"
    return "/".join(match.groups())


def sign_in(browser: Browser, port: int, code_port: int, user, password: str) -> None:
    """The password on one server, the second factor on another: the half-done sign-in is in the shared session."""
    browser.get(port, reverse("login"))
    assert browser.post(port, reverse("login"), {"username": user.username, "password": password}).status == 302
    assert browser.post(code_port, reverse("two-factor-verify"), {"code": current_code(user)}).status == 302


@pytest.mark.django_db(transaction=True)
def test_a_change_saved_through_one_server_shows_on_the_dashboard_the_other_serves(site_a, investigator, password):
    with triggers.suppressed():  # one recompute (inline) for the whole set-up
        _, marrow = treated_without_flow_mrd(site_a)

    with web_servers(2, {"REDIS_CACHE_URL": TEST_REDIS_URL}) as (one, two):
        browser = Browser()
        sign_in(browser, one, two, investigator, password)
        assert primary_eoc1(browser.get(two, DASHBOARD)) == "0/1"  # signed in on both; no flow MRD yet

        saved = browser.post(one, reverse("assessments:flow-add", args=[marrow.pk]), {
            "result_type": "QUANTIFIED", "value_pct": "0.02", "lod_pct": "0.005",
        })
        assert saved.status == 302, saved.text[:2000]
        browser.get(one, saved.headers["Location"])  # the page that shows (and uses up) "Flow MRD saved."

        rendered = browser.get(one, DASHBOARD)
        served = browser.get(two, DASHBOARD)
        assert primary_eoc1(rendered) == primary_eoc1(served) == "1/1"
        assert served.body == rendered.body  # server two served server one's rendering from the shared cache

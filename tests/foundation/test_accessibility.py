"""axe-core in headless Chromium over the main pages and one form per app: no serious or critical violation.

axe comes from the installed axe_playwright_python package (its bundled axe.min.js, read from disk: no network).
It is run through Playwright's `page.evaluate` (the DevTools protocol), which the Content-Security-Policy does not
govern: the page keeps its real policy (no bypass_csp), and no inline script tag is added.
"""

import datetime
from pathlib import Path

import axe_playwright_python
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from tests.browser import login
from tests.factories.assessments import MarrowFactory
from tests.factories.cycles import start_cycle
from tests.factories.endpoints import store_synthetic_snapshot, synthetic_cohort
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory
from tests.factories.integrity import DataQueryFactory

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}


@pytest.fixture
def pages(site_a, coordinator, data_manager):
    participant = ParticipantFactory(screening=ScreeningFactory(site=site_a, status="enrolled"))
    cycle = start_cycle(participant, participant.enrolled_on + datetime.timedelta(days=2), coordinator)
    MarrowFactory(participant=participant, sample_date=cycle.day1_on + datetime.timedelta(days=27))
    query = DataQueryFactory(record=participant, participant=participant, raised_by=data_manager)
    today = timezone.localdate()
    store_synthetic_snapshot(synthetic_cohort(6, today, site_codes=("01",)), today)
    screening_ct = ContentType.objects.get_for_model(participant.screening)
    return {
        "home": reverse("home"),
        "status matrix": reverse("assessments:status-matrix"),
        "casebook": reverse("enrollment:participant-detail", args=[participant.pk]),
        "screening form": reverse("enrollment:screening-add"),
        "administration form": reverse("cycles:administration-record", args=[cycle.administrations.first().pk]),
        "marrow form": reverse("assessments:marrow-add", args=[participant.pk]),
        "AE form": reverse("safety:ae-add", args=[participant.pk]),
        "query form": reverse("integrity:query-raise", args=[screening_ct.pk, participant.screening.pk]),
        "query": reverse("integrity:query-detail", args=[query.pk]),
        "endpoint dashboard": reverse("endpoints:dashboard"),
    }


def axe_violations(page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.django_db(transaction=True)
def test_main_pages_and_forms_have_no_serious_accessibility_violation(live_server, page, data_manager, password,
                                                                      pages):
    login(page, live_server.url, data_manager.username, password)
    found = {}
    for name, path in pages.items():
        page.goto(live_server.url + path, wait_until="load")
        assert page.locator("main").count() == 1, f"{name} did not render"
        if problems := axe_violations(page):
            found[name] = problems
    assert found == {}, "\n".join(f"{k}: {v}" for k, p in found.items() for v in p)

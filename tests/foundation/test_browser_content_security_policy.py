"""Each role's main pages in headless Chromium under the Content-Security-Policy: nothing refused, pages work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser import login
from tests.factories.assessments import BloodCountFactory, MarrowFactory
from tests.factories.cycles import start_cycle
from tests.factories.endpoints import store_synthetic_snapshot, synthetic_cohort
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory
from tests.factories.exports import SnapshotFactory
from tests.factories.integrity import DataQueryFactory

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


@pytest.fixture
def trial(site_a, coordinator, data_manager):
    participant = ParticipantFactory(screening__site=site_a)
    cycle = start_cycle(participant, participant.enrolled_on + datetime.timedelta(days=2), coordinator)
    marrow = MarrowFactory(participant=participant, sample_date=cycle.day1_on + datetime.timedelta(days=27))
    cbc = BloodCountFactory(participant=participant, sample_date=marrow.sample_date)
    query = DataQueryFactory(record=participant, raised_by=data_manager)
    snapshot = SnapshotFactory(created_by=data_manager)
    today = timezone.localdate()
    store_synthetic_snapshot(synthetic_cohort(6, today, site_codes=("01",)), today)
    screening = ScreeningFactory(site=site_a)
    return {
        "common": [
            reverse("home"),
            reverse("enrollment:screening-list"),
            reverse("enrollment:screening-detail", args=[screening.pk]),
            reverse("enrollment:participant-list"),
            reverse("enrollment:participant-detail", args=[participant.pk]),
            reverse("cycles:due-visits"),
            reverse("cycles:participant-calendar", args=[participant.pk]),
            reverse("cycles:cycle-detail", args=[cycle.pk]),
            reverse("assessments:participant-assessments", args=[participant.pk]),
            reverse("assessments:eoc-detail", args=[participant.pk, "EOC1"]),
            reverse("assessments:status-matrix"),
            reverse("integrity:query-list"),
            reverse("integrity:query-detail", args=[query.pk]),
            reverse("integrity:signature-print", args=[participant.pk]),
            reverse("password_change"),
            reverse("account-security"),
        ],
        "write": [
            reverse("enrollment:screening-add"),
            reverse("assessments:cbc-edit", args=[cbc.pk]),
            reverse("cycles:cycle-edit", args=[cycle.pk]),
        ],
        "investigator": [
            reverse("endpoints:dashboard"),
            reverse("endpoints:participant", args=[participant.pk]),
            reverse("integrity:sign", args=[participant.pk]),
        ],
        "data manager": [
            reverse("endpoints:dashboard"),
            reverse("integrity:audit-list"),
            reverse("integrity:lock-list"),
            reverse("integrity:lock-create"),
            reverse("exports:snapshot-list"),
            reverse("exports:snapshot-create"),
            reverse("exports:snapshot-detail", args=[snapshot.pk]),
            reverse("enrollment:study-settings"),
            reverse("integrity:security-log"),
        ],
        "monitor": [reverse("endpoints:dashboard"), reverse("integrity:audit-list"), reverse("exports:snapshot-list")],
    }


def violations_on(page, base_url: str, paths: list[str]) -> list[str]:
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    for path in paths:
        page.goto(base_url + path, wait_until="load")  # not networkidle: the snapshot page polls its progress
        assert page.locator("main").count() == 1, f"{path} did not render"
        refused += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
    return refused


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("role", "groups"),
    [
        ("coordinator", ("common", "write")),
        ("investigator", ("common", "write", "investigator")),
        ("data_manager", ("common", "write", "data manager")),
        ("monitor", ("common", "monitor")),
    ],
)
def test_no_page_of_a_role_breaks_the_content_security_policy(
    live_server, browser, request, password, trial, role, groups
):
    user = request.getfixturevalue(role)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(LISTEN)
    page = context.new_page()
    try:
        login(page, live_server.url, user.username, password)
        assert violations_on(page, live_server.url, [p for g in groups for p in trial[g]]) == []
        if "investigator" in groups:  # the plots are drawn (their SVG carries its own policy)
            page.goto(live_server.url + reverse("endpoints:dashboard"))
            images = page.locator(".endpoint-panel img")
            assert images.count() >= 3  # OS, EFS, MRD (and the swimmer plot when participants are shown)
            for i in range(images.count()):
                images.nth(i).scroll_into_view_if_needed()
                assert images.nth(i).evaluate("img => img.decode().then(() => img.naturalWidth)") > 300
    finally:
        context.close()

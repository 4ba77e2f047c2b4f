"""The dashboard with the demo trial in headless Chromium (issue 20): the flow MRD, NGS MRD and concordance tables
show the numbers counted here from the demo's assessments, each count links to its participants; screenshot."""

from datetime import timedelta

import pytest
from django.utils import timezone
from scipy import stats

from assessments.derived import derive_for_participants
from cycles.services import treatment_dates
from endpoints.tasks import recompute_endpoints
from enrollment.demo import DEMO_PASSWORD, create_demo_trial
from enrollment.models import Participant
from tests.browser import login


def rate_text(x: int, n: int) -> str:
    ci = stats.binomtest(x, n).proportion_ci(method="exact")
    return f"{x}/{n} = {100 * x / n:.1f} % (95 % CI {100 * ci.low:.1f}–{100 * ci.high:.1f})"


def demo_counts() -> dict[str, int]:
    """EOC1 counts from the demo's derived assessments, by plain loops (not through the endpoint engine)."""
    today = timezone.localdate()
    pks = list(Participant.objects.live().values_list("pk", flat=True))
    starts, derived = treatment_dates(pks), derive_for_participants(pks, today)
    counts = dict.fromkeys(("due", "flow_neg", "flow_neg_reporting", "ngs_neg", "both_neg", "pending"), 0)
    for pk in pks:
        c1d1, eoc1 = starts[pk].c1d1, derived[pk].eoc1
        if c1d1 is None or c1d1 > today:
            continue
        if eoc1 is None and c1d1 + timedelta(days=42) > today:
            counts["pending"] += 1
            continue
        counts["due"] += 1
        if eoc1 is None:
            continue
        no_clone = any(m.ngs is not None and not m.ngs.clone_trackable for m in derived[pk].eoc.values())
        ngs_neg = eoc1.ngs_class == "NEG" and not no_clone
        counts["flow_neg"] += eoc1.flow_class == "NEG"
        counts["flow_neg_reporting"] += eoc1.flow_reporting_class == "NEG"
        counts["ngs_neg"] += ngs_neg
        counts["both_neg"] += eoc1.flow_class == "NEG" and ngs_neg
    return counts


@pytest.mark.django_db(transaction=True)
def test_demo_dashboard_shows_flow_mrd_ngs_mrd_and_concordance_tables_with_drill_downs_in_chromium(
    live_server, page, tmp_path
):
    create_demo_trial(participants=20, seed=2026)
    recompute_endpoints()
    expected = demo_counts()
    assert expected["due"] >= 15 and expected["flow_neg"] > expected["flow_neg_reporting"] > 0
    login(page, live_server.url, "datamanager", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/endpoints/")

    flow = page.get_by_test_id("flow-mrd-flow1e-3")
    assert rate_text(expected["flow_neg"], expected["due"]) in flow.inner_text()
    reporting = page.get_by_test_id("flow-mrd-flow1e-4").inner_text()
    assert rate_text(expected["flow_neg_reporting"], expected["due"]) in reporting
    assert rate_text(expected["ngs_neg"], expected["due"]) in page.get_by_test_id("ngs-mrd").inner_text()
    concordance = page.get_by_test_id("concordance-EOC1")
    assert concordance.locator("tbody tr").first.locator("td").first.inner_text() == str(expected["both_neg"])
    page.screenshot(path=str(tmp_path / "mrd-dashboard.png"), full_page=True)
    assert (tmp_path / "mrd-dashboard.png").stat().st_size > 10_000

    links = (
        (flow.locator("tbody tr").first.locator("td").first.locator("a").first, expected["flow_neg"]),
        (concordance.locator("tbody tr").first.locator("td a").first, expected["both_neg"]),
    )
    hrefs = [(link.get_attribute("href"), n) for link, n in links]
    links[0][0].click()  # the dashboard's plots may still be drawing: leave the page rather than come back
    for i, (href, n) in enumerate(hrefs):
        if i:
            page.goto(live_server.url + href)
        page.wait_for_load_state("networkidle")
        assert page.get_by_test_id("group-count").inner_text() == str(n)
        assert page.get_by_test_id("group-table").locator("tbody tr").count() == max(n, 1)

"""Issue 15 item 7: the dashboard's safety panel with the demo trial in headless Chromium. The key numbers (AE
table top rows, CRS and ICANS, deaths within 30/60 days, SAEs, the boundary) are counted here from the demo's
records with plain loops and scipy, not through the endpoint recompute; screenshot."""

from collections import defaultdict

import pytest
from django.utils import timezone
from scipy import stats

from assessments.models import FollowUpContact
from endpoints.tasks import recompute_endpoints
from enrollment.demo import DEMO_PASSWORD, create_demo_trial
from enrollment.models import Participant
from safety.derived import derive_for_participant
from tests.browser import login

BOUNDARY_TERMS = {"cytokine_release_syndrome", "immune_effector_cell_associated_neurotoxicity_syndrome"}


def n_pct(n: int, total: int) -> str:
    return f"{n} ({100 * n / total:.1f} %)"


def demo_safety() -> dict:
    """Counts from the demo's AEs (treatment-emergent as the casebook derives it) and follow-up deaths."""
    today = timezone.localdate()
    worst, crs, icans, boundary, serious_events = {}, {}, {}, set(), 0
    n_treated, deaths = 0, defaultdict(int)
    death_dates = {}
    for pk, died in FollowUpContact.objects.filter(is_deleted=False, vital_status="DEAD").values_list(
        "participant_id", "death_date"
    ):
        if died is not None:
            death_dates[pk] = min(died, death_dates.get(pk, died))
    for participant in Participant.objects.live():
        safety = derive_for_participant(participant)
        if safety.c1d1 is None or safety.c1d1 > today:
            continue
        n_treated += 1
        died = death_dates.get(participant.pk)
        if died is not None and died <= today:
            day = (died - safety.c1d1).days + 1
            for window in (30, 60):
                deaths[window] += 1 <= day <= window
        for row in safety.aes:
            ae = row.ae
            if ae.onset_date > today:
                continue
            if ae.term.code == "cytokine_release_syndrome":
                crs[participant.pk] = max(crs.get(participant.pk, 0), ae.worst_grade)
            if ae.term.code == "immune_effector_cell_associated_neurotoxicity_syndrome":
                icans[participant.pk] = max(icans.get(participant.pk, 0), ae.worst_grade)
            if not row.treatment_emergent:
                continue
            worst[participant.pk] = max(worst.get(participant.pk, 0), ae.worst_grade)
            serious_events += ae.serious
            if ae.worst_grade >= 3 and ae.term.code in BOUNDARY_TERMS:
                boundary.add(participant.pk)
    return {
        "n": n_treated,
        "any": len(worst),
        "grade3plus": sum(1 for g in worst.values() if g >= 3),
        "crs": (len(crs), sum(1 for g in crs.values() if g >= 3)),
        "icans": (len(icans), sum(1 for g in icans.values() if g >= 3)),
        "deaths": dict(deaths),
        "serious_events": serious_events,
        "boundary": (len(boundary), stats.beta.sf(0.20, 1 + len(boundary), 1 + n_treated - len(boundary))),
    }


@pytest.mark.django_db(transaction=True)
def test_demo_dashboard_shows_the_safety_panel_counted_from_the_records_in_chromium(live_server, page, tmp_path):
    create_demo_trial(participants=20, seed=2026)
    recompute_endpoints()
    expected = demo_safety()
    n = expected["n"]
    assert n >= 15 and expected["any"] > 0 and expected["crs"][0] > 0
    login(page, live_server.url, "investigator", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/endpoints/")
    panel = page.get_by_test_id("safety")
    assert f"{n} treated" in panel.locator("h2").inner_text()

    def cell(testid: str, column: str) -> str:
        return panel.get_by_test_id(testid).locator(f"td.{column}").inner_text()

    assert cell("safety-ae-any", "safety-any") == n_pct(expected["any"], n)
    assert cell("safety-ae-grade3plus", "safety-any") == n_pct(expected["grade3plus"], n)
    assert (cell("safety-crs", "safety-any"), cell("safety-crs", "safety-g3")) == tuple(
        n_pct(x, n) for x in expected["crs"]
    )
    assert (cell("safety-icans", "safety-any"), cell("safety-icans", "safety-g3")) == tuple(
        n_pct(x, n) for x in expected["icans"]
    )
    for window in (30, 60):
        text = panel.get_by_test_id(f"safety-deaths-{window}").inner_text()
        assert n_pct(expected["deaths"].get(window, 0), n) in text
    assert f"{expected['serious_events']} event" in panel.get_by_test_id("safety-serious").inner_text()
    events, probability = expected["boundary"]
    assert f"{events} of {n} participants" in panel.get_by_test_id("safety-boundary").inner_text()
    assert panel.get_by_test_id("safety-boundary-probability").inner_text() == f"{100 * probability:.1f} %"
    text = panel.inner_text()
    assert "Cytokine release syndrome" in text and "cytokine_release_syndrome" not in text  # words, not codes
    panel.screenshot(path=str(tmp_path / "safety-panel.png"))
    page.screenshot(path=str(tmp_path / "safety-dashboard.png"), full_page=True)
    page.wait_for_load_state("networkidle")  # the plots the screenshot asked for are drawn before the test ends
    assert (tmp_path / "safety-panel.png").stat().st_size > 10_000
    # every count is a link: the any-TEAE count opens the list of exactly that many participants, titled in words
    panel.get_by_test_id("safety-ae-any").locator("td.safety-any a").click()
    page.wait_for_url("**/participants/?g=*")
    assert page.get_by_test_id("group-count").inner_text() == str(expected["any"])
    assert page.get_by_test_id("group-table").locator("tbody tr").count() == expected["any"]
    assert "Participants: Any treatment-emergent adverse event, any grade" in page.locator("h1").inner_text()

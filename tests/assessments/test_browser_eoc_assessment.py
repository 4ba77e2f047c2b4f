"""Browser: a coordinator enters an EOC1 marrow, a blood count and flow MRD, and sees the derived response
and MRD class on the EOC page and on the casebook, beside the investigator's call (screenshots in tmp_path)."""

import datetime
import shutil

import pytest

from assessments.models import BloodCount, BoneMarrowAssessment, FlowMrd
from tests.browser import login

TODAY = datetime.date.today()


@pytest.mark.django_db(transaction=True)
def test_coordinator_sees_derived_response_when_entering_eoc1_in_browser(
    live_server, page, coordinator, password, participant, tmp_path
):
    login(page, live_server.url, coordinator.username, password)
    page.goto(f"{live_server.url}/enrollment/participants/{participant.pk}/")
    page.click("[data-testid=eoc-card-EOC1] >> text=Enter marrow")
    page.select_option("select[name=timepoint]", "EOC1")
    page.fill("input[name=sample_date]", (TODAY - datetime.timedelta(days=3)).isoformat())
    page.fill("input[name=blasts_pct]", "2.5")
    page.fill("input[name=sample_id]", "BM-EOC1")
    page.click("input[type=submit][name=save]")

    page.wait_for_selector("[data-testid=casebook-header]")  # back where the marrow was entered from (next)
    page.click("[data-testid=eoc-card-EOC1] >> text=End of cycle 1")
    page.wait_for_selector("[data-testid=cbc-used]")  # the EOC1 page
    page.click("[data-testid=cbc-used] >> text=Add a blood count")
    page.fill("input[name=sample_date]", (TODAY - datetime.timedelta(days=4)).isoformat())
    page.fill("input[name=anc_e9_per_l]", "1.6")
    page.fill("input[name=platelets_e9_per_l]", "140")
    page.fill("input[name=hb_g_per_l]", "102")
    page.click("input[type=submit][name=save]")

    page.wait_for_selector("[data-testid=casebook-header]")
    page.click("[data-testid=eoc-card-EOC1] >> text=End of cycle 1")
    page.click("text=Enter flow MRD")
    page.select_option("select[name=result_type]", "NOT_DETECTED")
    page.fill("input[name=lod_pct]", "0.005")
    page.fill("input[name=cells_analysed]", "750000")
    page.click("input[type=submit][name=save]")

    page.wait_for_selector("[data-testid=eoc-result]")
    assert page.inner_text("[data-testid=derived-response-EOC1]") == "CR"
    assert page.inner_text("[data-testid=flow-class-EOC1]") == "NEG"
    page.click("text=Record the investigator's call")
    page.select_option("select[name=response]", "CRi")
    page.click("input[type=submit][name=save]")
    page.wait_for_selector("[data-testid=disagreement-EOC1]")
    page.screenshot(path=str(tmp_path / "eoc1.png"), full_page=True)

    page.goto(f"{live_server.url}/enrollment/participants/{participant.pk}/")
    card = "[data-testid=eoc-card-EOC1]"
    page.wait_for_selector(card)
    assert page.inner_text(f"{card} [data-testid=derived-response-EOC1]") == "CR"
    assert page.inner_text(f"{card} [data-testid=investigator-call-EOC1]") == "CRi"
    assert page.inner_text(f"{card} [data-testid=flow-class-EOC1]") == "NEG"
    assert page.is_visible(f"{card} [data-testid=disagreement-EOC1]")
    page.screenshot(path=str(tmp_path / "casebook.png"), full_page=True)
    keep = tmp_path.parent / "assessments_browser_screens"
    keep.mkdir(exist_ok=True)
    for name in ("eoc1.png", "casebook.png"):
        shutil.copy(tmp_path / name, keep / name)
    print("screenshots:", keep)

    assert BoneMarrowAssessment.objects.get().created_by == coordinator
    assert BloodCount.objects.count() == 1 and FlowMrd.objects.get().lod_pct == 0.005

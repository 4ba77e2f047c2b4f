"""A day in Simplified Chinese, in headless Chromium whose language is zh-CN: the sign-in page follows the
browser; a coordinator keeps Chinese with the menu's switcher, records an EOC1 marrow, a blood count and flow MRD,
and reads the derived response; the investigator reads the dashboard, whose plots carry Chinese labels.
Screenshots in test-artifacts/journeys-zh/ (git-ignored)."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from assessments.models import BloodCount, BoneMarrowAssessment, FlowMrd
from enrollment.models import StaffProfile
from tests.browser import login

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "journeys-zh"
TODAY = datetime.date.today()
HAN = re.compile(r"[\u4e00-\u9fff]")


def zh(english: str) -> str:
    """The Chinese the page shows for an English interface string (and it must differ: it is translated)."""
    with translation.override("zh-hans"):
        chinese = gettext(english)
    assert chinese != english and HAN.search(chinese), f"{english!r} is not translated"
    return chinese


@pytest.fixture
def chinese_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_coordinator_and_investigator_work_in_chinese(
    live_server, chinese_page, coordinator, investigator, password, participant
):
    page = chinese_page
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    _shot(page, "0-sign-in")
    login(page, live_server.url, coordinator.username, password)

    # The switcher keeps Chinese on the profile, whatever the browser says next time.
    page.select_option("#language-choice", "zh-hans")
    page.click("[data-testid=language-switcher] button[type=submit]")
    page.wait_for_load_state("load")
    assert StaffProfile.objects.get(user=coordinator).language == "zh-hans"
    _shot(page, "1-home")

    page.goto(f"{live_server.url}/enrollment/participants/{participant.pk}/")
    page.click(f"[data-testid=eoc-card-EOC1] >> text={zh('Enter marrow')}")
    page.select_option("select[name=timepoint]", "EOC1")
    page.fill("input[name=sample_date]", (TODAY - datetime.timedelta(days=3)).isoformat())
    page.fill("input[name=blasts_pct]", "2.5")
    page.fill("input[name=sample_id]", "BM-EOC1")
    _shot(page, "2-marrow-form")
    page.click("input[type=submit][name=save]")

    page.wait_for_selector("[data-testid=casebook-header]")
    page.click(f"[data-testid=eoc-card-EOC1] >> text={zh('End of cycle 1')}")
    page.wait_for_selector("[data-testid=cbc-used]")
    page.click(f"[data-testid=cbc-used] >> text={zh('Add a blood count')}")
    page.fill("input[name=sample_date]", (TODAY - datetime.timedelta(days=4)).isoformat())
    page.fill("input[name=anc_e9_per_l]", "1.6")
    page.fill("input[name=platelets_e9_per_l]", "140")
    page.fill("input[name=hb_g_per_l]", "102")
    page.click("input[type=submit][name=save]")

    page.wait_for_selector("[data-testid=casebook-header]")
    page.click(f"[data-testid=eoc-card-EOC1] >> text={zh('End of cycle 1')}")
    page.click(f"text={zh('Enter flow MRD')}")
    page.select_option("select[name=result_type]", "NOT_DETECTED")
    page.fill("input[name=lod_pct]", "0.005")
    page.fill("input[name=cells_analysed]", "750000")
    page.click("input[type=submit][name=save]")

    page.wait_for_selector("[data-testid=eoc-result]")
    assert "CR" in page.inner_text("[data-testid=derived-response-EOC1]")
    body = page.inner_text("main")
    assert zh("Derived response") in body
    _shot(page, "3-eoc1-result")
    assert BoneMarrowAssessment.objects.get().blasts_pct == 2.5
    assert BloodCount.objects.count() == 1 and FlowMrd.objects.get().result_type == "NOT_DETECTED"  # codes stored

    from endpoints.tasks import recompute_endpoints

    recompute_endpoints()
    page.context.clear_cookies()
    login(page, live_server.url, investigator.username, password)
    page.goto(f"{live_server.url}/endpoints/")
    page.wait_for_selector(".endpoint-panel")
    assert HAN.search(page.inner_text("main h1"))
    images = page.locator(".endpoint-panel img")
    assert images.count() >= 3
    for i in range(images.count()):
        src = images.nth(i).get_attribute("src")
        svg = page.request.get(live_server.url + src if src.startswith("/") else src).text()
        assert HAN.search(svg), f"plot {src} has no Chinese label"
        images.nth(i).scroll_into_view_if_needed()
        assert images.nth(i).evaluate("img => img.decode().then(() => img.naturalWidth)") > 300
    _shot(page, "4-dashboard")

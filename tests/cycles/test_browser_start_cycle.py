"""Browser: a coordinator starts cycle 1 and records the first vindesine dose (screenshot kept under tmp_path)."""

import datetime

import pytest

from cycles.models import Administration, Cycle
from tests.browser import login

D = datetime.timedelta


@pytest.mark.django_db(transaction=True)
def test_coordinator_starts_cycle1_and_records_dose_when_using_browser(
    live_server, page, coordinator, password, participant, today, tmp_path
):
    login(page, live_server.url, coordinator.username, password)
    page.goto(f"{live_server.url}/cycles/participant/{participant.pk}/")
    page.click("[data-testid=start-cycle]")
    page.fill("input[name=day1_on]", (today - D(days=3)).isoformat())
    page.click("input[type=submit][name=save]")
    page.wait_for_selector("[data-testid=administration-table]")
    page.click("[data-testid=record-VDS-1]")
    # nothing is proposed as given: the coordinator chooses what happened, and types the date and the dose
    assert page.input_value("select[name=status]") == ""
    assert page.input_value("input[name=given_on]") == ""
    assert page.input_value("input[name=actual_dose_mg]") == ""
    page.select_option("select[name=status]", "given")
    page.fill("input[name=given_on]", (today - D(days=3)).isoformat())
    page.fill("input[name=actual_dose_mg]", "5")
    page.click("input[type=submit][name=save]")
    page.wait_for_selector("[data-testid=administration-table]")
    page.screenshot(path=str(tmp_path / "cycle_detail.png"), full_page=True)
    print("screenshot:", tmp_path / "cycle_detail.png")

    cycle = Cycle.objects.get(participant=participant, number=1)
    vds = Administration.objects.get(cycle=cycle, drug_code="VDS", cycle_day=1)
    assert (vds.status, vds.given_on, str(vds.actual_dose_mg)) == ("given", today - D(days=3), "5.00")
    assert "Given" in page.inner_text("[data-testid=adm-VDS-1]")
    participant.refresh_from_db()
    assert participant.status == "on_treatment"

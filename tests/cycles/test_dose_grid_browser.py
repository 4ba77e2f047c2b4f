"""Browser: a coordinator opens "Record day 1 doses" from the cycle page, finds nothing proposed, records
vindesine as given and dexamethasone as held (with its reason) in one submit, and sees both on the cycle page
(screenshot kept under tmp_path)."""

import datetime

import pytest

from cycles.models import Administration
from tests.browser import login
from tests.factories.cycles import start_cycle

D = datetime.timedelta


@pytest.mark.django_db(transaction=True)
def test_coordinator_records_a_days_doses_through_the_grid_in_browser(
    live_server, page, coordinator, password, participant, today, tmp_path
):
    cycle = start_cycle(participant, day1_on=today - D(days=10), user=coordinator)
    day1 = (today - D(days=10)).isoformat()
    login(page, live_server.url, coordinator.username, password)
    page.goto(f"{live_server.url}/cycles/cycle/{cycle.pk}/")
    page.click("[data-testid=dose-grid-day-1]")
    page.wait_for_selector("[data-testid=dose-grid]")
    vds, dxm = "[data-testid=dose-row-VDS]", "[data-testid=dose-row-DXM]"
    assert page.input_value(f"{vds} select[name$=-status]") == ""
    assert page.input_value(f"{dxm} input[name$=-actual_dose_mg]") == ""

    page.select_option(f"{vds} select[name$=-status]", "given")
    page.fill(f"{vds} input[name$=-given_on]", day1)
    page.fill(f"{vds} input[name$=-actual_dose_mg]", "5")
    page.select_option(f"{dxm} select[name$=-status]", "held")
    page.click("[data-testid=save-doses]")
    page.wait_for_selector("[data-testid=error-DXM-reason]")  # held without a reason: nothing saved yet
    assert Administration.objects.filter(cycle=cycle, cycle_day=1, status="planned").count() == 2
    assert page.input_value(f"{vds} input[name$=-actual_dose_mg]") == "5"  # the typed values are kept
    page.screenshot(path=str(tmp_path / "dose_grid_refused.png"), full_page=True)

    page.fill(f"{dxm} input[name$=-reason]", "Hyperglycaemia")
    page.click("[data-testid=save-doses]")
    page.wait_for_selector("[data-testid=administration-table]")
    page.screenshot(path=str(tmp_path / "dose_grid_saved.png"), full_page=True)
    assert "Given" in page.inner_text("[data-testid=adm-VDS-1]")
    assert "Held" in page.inner_text("[data-testid=adm-DXM-1]")
    saved = {a.drug_code: (a.status, a.reason) for a in Administration.objects.filter(cycle=cycle, cycle_day=1)}
    assert saved == {"VDS": ("given", ""), "DXM": ("held", "Hyperglycaemia")}

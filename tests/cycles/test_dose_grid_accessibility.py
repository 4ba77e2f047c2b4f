"""axe-core over the dose grid (as opened, and with a refused row's messages) and the follow-up form with its
conditional sections: no serious or critical violation."""

import datetime

import pytest
from django.urls import reverse

from tests.browser import login
from tests.factories.cycles import start_cycle
from tests.foundation.test_accessibility import axe_violations

D = datetime.timedelta


@pytest.mark.django_db(transaction=True)
def test_dose_grid_and_followup_form_have_no_serious_accessibility_violation(
    live_server, page, coordinator, password, participant, today
):
    cycle = start_cycle(participant, day1_on=today - D(days=10), user=coordinator)
    login(page, live_server.url, coordinator.username, password)
    found = {}
    page.goto(live_server.url + reverse("cycles:dose-grid", args=[cycle.pk, 1]), wait_until="load")
    found["grid"] = axe_violations(page)
    page.select_option("[data-testid=dose-row-DXM] select[name$=-status]", "held")
    page.click("[data-testid=save-doses]")
    page.wait_for_selector("[data-testid=error-DXM-reason]")
    found["grid with errors"] = axe_violations(page)
    page.goto(live_server.url + reverse("assessments:followup-add", args=[participant.pk]), wait_until="load")
    page.select_option("select[name=vital_status]", "DEAD")
    found["follow-up form"] = axe_violations(page)
    assert {k: v for k, v in found.items() if v} == {}

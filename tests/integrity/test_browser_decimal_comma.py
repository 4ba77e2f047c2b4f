"""Browser: "1,2" typed into a blood-count field in real Chromium is stored as 1.2 (it used to become 12)."""

import datetime
from decimal import Decimal

import pytest

from assessments.models import BloodCount
from tests.browser import login

TODAY = datetime.date.today()


@pytest.mark.django_db(transaction=True)
def test_decimal_comma_typed_in_chromium_stored_as_decimal(live_server, page, coordinator, password, participant):
    login(page, live_server.url, coordinator.username, password)
    page.goto(f"{live_server.url}/assessments/participants/{participant.pk}/cbc/add/")
    page.fill("input[name=sample_date]", (TODAY - datetime.timedelta(days=4)).isoformat())
    page.type("input[name=anc_e9_per_l]", "1,2")  # key by key, as a person types
    assert page.input_value("input[name=anc_e9_per_l]") == "1,2"  # the browser kept the comma
    page.type("input[name=platelets_e9_per_l]", "140")
    page.type("input[name=hb_g_per_l]", "102,5")
    page.click("input[type=submit][name=save]")
    page.wait_for_url(lambda url: "/cbc/add/" not in url)  # saved: the form redirected

    stored = BloodCount.objects.get()
    assert stored.anc_e9_per_l == Decimal("1.2")
    assert stored.hb_g_per_l == Decimal("102.5")

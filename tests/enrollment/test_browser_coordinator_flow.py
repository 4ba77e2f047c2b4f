"""Acceptance 1 in headless Chromium: screen -> ineligible -> correct -> consent -> enroll -> casebook."""

import pytest

from enrollment.models import Participant
from enrollment.protocol import ENROLLMENT_PROTOCOL
from tests.browser import login
from tests.enrollment.conftest import days_ago


def _fill_screening(page, site_pk: int) -> None:
    page.select_option("select[name=site]", str(site_pk))
    page.fill("input[name=screened_on]", days_ago(10).isoformat())
    page.fill("input[name=initials]", "MW")
    page.select_option("select[name=sex]", "F")
    page.fill("input[name=birth_date]", "1994-07-15")
    page.select_option("select[name=ph_test_method]", "PCR")
    page.fill("input[name=ph_test_date]", days_ago(12).isoformat())
    page.select_option("select[name=ph_result]", "NEGATIVE")
    page.fill("input[name=ecog]", "3")  # ineligible by the data; its tick agrees (not met)
    page.select_option("select[name=cns_status]", "CNS1")
    for name, value in (("bilirubin_x_uln", "0.9"), ("alt_x_uln", "1.4"), ("creatinine_x_uln", "0.8")):
        page.fill(f"input[name={name}]", value)
    for c in ENROLLMENT_PROTOCOL.criteria:
        answer = "not_met" if c.code == "INC_ECOG" else c.required_answer
        if c.code != ENROLLMENT_PROTOCOL.consent_criterion:
            page.check(f"input[name=criterion_{c.code}][value={answer}]")


@pytest.mark.django_db(transaction=True)
def test_coordinator_screens_consents_and_enrolls_in_the_browser(live_server, page, coordinator, site_a, password,
                                                                 tmp_path):
    login(page, live_server.url, coordinator.username, password)
    page.goto(f"{live_server.url}/enrollment/screening/")
    page.click("[data-testid=screen-candidate]")
    _fill_screening(page, site_a.pk)
    page.screenshot(path=str(tmp_path / "screening_form.png"), full_page=True)
    page.click("input[type=submit][value='Save screening']")
    failed = page.locator("[data-testid=failed-criteria]").inner_text()
    assert "ECOG performance status 0-2: not met" in failed
    assert "Signed informed consent: not assessed" in failed
    page.screenshot(path=str(tmp_path / "screening_ineligible.png"), full_page=True)

    page.click("[data-testid=edit-screening]")
    page.fill("input[name=ecog]", "1")
    page.check("input[name=criterion_INC_ECOG][value=met]")
    page.select_option("select[name=change_reason]", "Source document corrected")
    page.click("input[type=submit][value='Save screening']")
    assert page.locator("[data-testid=failed-criteria]").inner_text().strip() == (
        "Signed informed consent: not assessed (no signed consent recorded)")

    page.click("[data-testid=record-consent]")
    page.fill("input[name=signed_on]", days_ago(9).isoformat())
    page.fill("input[name=obtained_by]", "Dr Zhang Wei")
    page.click("input[type=submit][value='Record consent']")
    assert page.locator("[data-testid=eligibility-verdict]").inner_text() == "Eligible"

    page.click("[data-testid=enroll]")
    page.fill("input[name=enrolled_on]", days_ago(8).isoformat())
    page.fill("input[name=height_cm]", "165")
    page.fill("input[name=weight_kg]", "58.5")
    page.click("input[type=submit][value='Enroll participant']")
    page.wait_for_selector("[data-testid=casebook-header]")
    assert page.locator("[data-testid=participant-id]").inner_text() == "01-001"
    page.screenshot(path=str(tmp_path / "casebook.png"), full_page=True)
    participant = Participant.objects.get()
    assert page.url.endswith(f"/enrollment/participants/{participant.pk}/")
    print("screenshots:", tmp_path)

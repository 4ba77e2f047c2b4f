"""Browser: on the follow-up form the death section is hidden until the vital status "Dead" is chosen, then
shown; the transplant date appears with its tick (conditional_sections.js, no inline script)."""

import datetime

import pytest

from assessments.models import FollowUpContact
from tests.browser import login

TODAY = datetime.date.today()
DEATH = "[data-testid=section-death]"


@pytest.mark.django_db(transaction=True)
def test_death_section_shown_only_when_dead_chosen_in_browser(live_server, page, coordinator, password, participant):
    login(page, live_server.url, coordinator.username, password)
    page.goto(f"{live_server.url}/assessments/participants/{participant.pk}/followup/add/")
    page.wait_for_selector("[data-testid=record-form]")
    assert page.is_hidden(DEATH)
    assert page.is_hidden("input[name=death_date]")
    assert page.is_hidden("input[name=transplant_date]")

    page.select_option("select[name=vital_status]", "ALIVE")
    assert page.is_hidden(DEATH)
    page.select_option("select[name=vital_status]", "DEAD")
    assert page.is_visible(DEATH)
    assert page.is_visible("input[name=death_date]")
    page.check("input[name=transplant_since_last_contact]")
    assert page.is_visible("input[name=transplant_date]")
    page.uncheck("input[name=transplant_since_last_contact]")
    assert page.is_hidden("input[name=transplant_date]")

    page.fill("input[name=contact_date]", (TODAY - datetime.timedelta(days=2)).isoformat())
    page.select_option("select[name=disease_status]", "NOT_ASSESSED")
    page.fill("input[name=death_date]", (TODAY - datetime.timedelta(days=3)).isoformat())
    page.select_option("select[name=death_cause]", "INFECTION")
    page.click("input[type=submit][name=save]")
    page.wait_for_selector("[data-testid=casebook-header]")
    saved = FollowUpContact.objects.get(participant=participant)
    assert (saved.vital_status, saved.death_date) == ("DEAD", TODAY - datetime.timedelta(days=3))

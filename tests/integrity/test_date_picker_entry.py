"""Dates are entered with the browser's date picker (issue 17): every date of every clinical form is an
<input type="date"> holding ISO 8601 (the server reads ISO), and a date picked in Chromium is saved and shown back
as 29 Nov 2026."""

import datetime

import pytest
from django import forms

from blinatrial import access
from integrity.forms import ClinicalRecordForm
from tests.browser import login
from tests.factories.enrollment import PASSWORD, ParticipantFactory, ScreeningFactory, SiteFactory, UserFactory


def _clinical_forms():
    import assessments.forms  # noqa: F401 - the forms register as subclasses when imported
    import cycles.forms  # noqa: F401
    import enrollment.forms  # noqa: F401
    import safety.forms  # noqa: F401

    found, todo = [], [ClinicalRecordForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_every_date_of_every_clinical_form_is_a_date_picker_holding_iso():
    dates = [
        (form.__name__, name, field)
        for form in _clinical_forms()
        for name, field in form.base_fields.items()
        if type(field) is forms.DateField
    ]
    assert len(dates) >= 20  # screening, consent, cycles, marrows, counts, follow-up, AEs, labs, con-meds ...
    for form_name, name, field in dates:
        html = field.widget.render(name, datetime.date(2026, 11, 29))
        assert 'type="date"' in html and 'value="2026-11-29"' in html, (form_name, name, html)
        assert field.clean("2026-11-29") == datetime.date(2026, 11, 29)


def test_a_new_form_gets_the_picker_from_the_base_form():
    class Dated(ClinicalRecordForm):
        on = forms.DateField()
        at = forms.DateTimeField()

    assert 'type="date"' in Dated.base_fields["on"].widget.render("on", datetime.date(2026, 11, 29))
    at = Dated.base_fields["at"].widget.render("at", datetime.datetime(2026, 11, 29, 14, 5))
    assert 'type="datetime-local"' in at and 'value="2026-11-29T14:05"' in at


@pytest.mark.django_db(transaction=True)
def test_a_date_picked_in_chromium_is_saved_and_shown_back_as_29_nov_2026(live_server, page, tmp_path):
    site = SiteFactory(code="61")
    screening = ScreeningFactory(site=site, status="enrolled", screened_on=datetime.date(2026, 11, 1))
    participant = ParticipantFactory(screening=screening)
    coordinator = UserFactory(username="coord_61", role=access.COORDINATOR, sites=[site])
    casebook = f"{live_server.url}/enrollment/participants/{participant.pk}/"

    login(page, live_server.url, coordinator.username, PASSWORD)
    page.goto(casebook)
    page.click("text=Add blood count")
    picker = page.locator("input[name=sample_date]")
    assert picker.get_attribute("type") == "date"
    picker.fill("2026-11-29")  # what the picker holds, whatever the page shows
    page.fill("input[name=anc_e9_per_l]", "1.5")
    page.fill("input[name=platelets_e9_per_l]", "150")
    page.fill("input[name=hb_g_per_l]", "100")
    page.click("input[type=submit][name=save]")
    page.wait_for_load_state("networkidle")

    assert page.url == casebook  # back where the form was opened
    assert page.locator("text=29 Nov 2026").count() >= 1
    assert "2026-11-29" not in page.inner_text("main")
    page.screenshot(path=str(tmp_path / "date-picker-round-trip.png"), full_page=True)

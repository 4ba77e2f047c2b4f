"""Acceptance 3 in headless Chromium: a monitor raises a query on a field, the deep link opens the form with
that field highlighted, the coordinator corrects the value and answers, the monitor closes the query."""

import pytest
from django.contrib.contenttypes.models import ContentType

from enrollment.models import ScreeningRecord
from integrity.models import DataQuery, QueryStatus
from tests.browser import login
from tests.factories.enrollment import PASSWORD, ParticipantFactory


@pytest.mark.django_db(transaction=True)
def test_query_is_raised_highlighted_corrected_and_closed_when_worked_in_the_browser(
    live_server, page, site_a, monitor, coordinator, tmp_path
):
    participant = ParticipantFactory(screening__site=site_a)
    screening = participant.screening
    ct = ContentType.objects.get_for_model(ScreeningRecord)

    # The monitor raises a query on the initials.
    login(page, live_server.url, monitor.username, PASSWORD)
    page.goto(f"{live_server.url}/integrity/queries/raise/{ct.pk}/{screening.pk}/?field=initials")
    page.fill("textarea[name=text]", "Initials differ from the source document.")
    page.click("[data-testid=query-raise-submit]")
    page.wait_for_selector("[data-testid=query-thread]")
    query = DataQuery.objects.get()
    assert (query.field_name, query.status) == ("initials", QueryStatus.OPEN)
    page.context.clear_cookies()

    # The coordinator follows the deep link: the form opens with the field highlighted.
    login(page, live_server.url, coordinator.username, PASSWORD)
    page.goto(f"{live_server.url}/integrity/queries/{query.pk}/")
    page.click("[data-testid=query-field-link]")
    page.wait_for_selector("[data-highlighted=true]")
    highlighted = page.locator(".field-highlight")
    assert highlighted.count() == 1
    assert highlighted.locator("#id_initials").count() == 1
    assert page.locator("[data-testid=field-query-initials]").count() == 1  # the query badge at the field
    page.screenshot(path=str(tmp_path / "deep_link.png"), full_page=True)

    page.fill("#id_initials", "CD")
    page.select_option("#id_change_reason", "Answer to a data query")
    page.click("[data-testid=record-form] [type=submit]")
    page.wait_for_load_state("networkidle")
    screening.refresh_from_db()
    assert screening.initials == "CD"

    page.goto(f"{live_server.url}/integrity/queries/{query.pk}/")
    page.fill("textarea[name=text]", "Corrected from the source document.")
    page.click("[data-testid=query-answer]")
    page.wait_for_selector("text=Answer sent.")
    assert page.locator("[data-testid=query-close]").count() == 0  # a coordinator cannot close
    page.context.clear_cookies()

    # The raiser closes it.
    login(page, live_server.url, monitor.username, PASSWORD)
    page.goto(f"{live_server.url}/integrity/queries/{query.pk}/")
    page.click("[data-testid=query-close]")
    page.wait_for_selector("text=Query closed.")
    query.refresh_from_db()
    assert query.status == QueryStatus.CLOSED
    assert [m.kind for m in query.messages.order_by("id")] == ["raise", "answer", "close"]
    page.screenshot(path=str(tmp_path / "closed.png"), full_page=True)

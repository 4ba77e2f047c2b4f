"""Browser: in Chromium the snapshot form's date input shows today's date as the default cut-off, and with tasks
run inline the page after "Create snapshot" shows the finished snapshot and its download, with no progress bar."""

import datetime

import pytest
from django.urls import reverse

from tests.browser import login


@pytest.mark.django_db(transaction=True)
def test_the_cutoff_input_shows_today_and_the_inline_build_shows_its_result(
    live_server, page, data_manager, password, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    login(page, live_server.url, data_manager.username, password)
    page.goto(live_server.url + reverse("exports:snapshot-create"))
    assert page.input_value("input[name=cutoff]") == datetime.date.today().isoformat()
    page.click("input[type=submit][name=create]")
    page.wait_for_selector('[data-testid="snapshot-finished"]')
    assert page.locator('[role="progressbar"]').count() == 0
    assert page.locator('[data-testid="snapshot-download"]').is_visible()

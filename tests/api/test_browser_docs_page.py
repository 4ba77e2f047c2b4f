"""The API documentation works in headless Chromium under the Content-Security-Policy: Swagger UI draws every
operation of the schema, and the browser refuses nothing."""

import pytest

from tests.browser import login
from tests.foundation.test_browser_content_security_policy import LISTEN


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_draws_the_operations_without_a_csp_violation(live_server, browser, coordinator, password):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(LISTEN)
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        login(page, live_server.url, coordinator.username, password)
        page.goto(live_server.url + "/api/v1/docs/", wait_until="load")
        page.locator(".opblock").first.wait_for(timeout=20_000)
        assert page.locator(".opblock").count() > 40  # every form's list and record, the writes, the feeds
        assert page.locator("text=BlinaTrial EDC API").count() >= 1
        refused += page.evaluate("window.__csp")
    finally:
        context.close()
    assert refused == []

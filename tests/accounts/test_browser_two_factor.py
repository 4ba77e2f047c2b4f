"""In Chromium, under the Content-Security-Policy: an investigator enrols an authenticator from the QR page, signs
out, is refused with a wrong code and signed in with the right one."""

import base64
import time

import pytest

from blinatrial import access
from tests.factories.enrollment import UserFactory
from tests.login import code_for_key

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective); });
"""


def _password(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def _code(page, code: str) -> None:
    page.fill("input[name=code]", code)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_enrol_sign_out_and_sign_in_with_the_code(live_server, browser, site_a, password):
    user = UserFactory(username="inv_browser", role=access.INVESTIGATOR, sites=[site_a], two_factor=False)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _password(page, live_server.url, user.username, password)
        assert "/accounts/two-factor/enrol/" in page.url  # before any other page
        qr = page.get_by_test_id("two-factor-qr")
        assert qr.evaluate("img => img.complete && img.naturalWidth") > 100  # drawn here, allowed by img-src data:
        secret = page.get_by_test_id("two-factor-secret").inner_text().replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        _code(page, code_for_key(key))
        assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
        page.get_by_test_id("recovery-continue").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_test_id("whoami").inner_text().startswith(user.username)

        page.click("nav form[action$='/logout/'] button[type=submit]")  # log out (not the language switcher)
        page.wait_for_load_state("networkidle")
        _password(page, live_server.url, user.username, password)
        assert page.url.endswith("/accounts/two-factor/")
        _code(page, "000000")
        assert "not right" in page.locator("main").inner_text()
        assert page.get_by_test_id("whoami").count() == 0  # not signed in

        time.sleep(1.2)  # django-otp makes the next try after a wrong code wait a second
        # The enrolment used this 30-second step's code; the next step's is accepted too (one step of tolerance).
        _code(page, code_for_key(key, steps_ahead=1))
        assert page.get_by_test_id("whoami").inner_text().startswith(user.username)
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()

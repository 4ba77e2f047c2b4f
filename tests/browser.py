"""Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright (no download).

Fixtures (registered in tests/conftest.py): `browser` (one per test session) and `page` (a fresh
context per test). `login(page, base_url, username, password)` signs in through the real login form.
"""

import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs its own event loop; Django refuses ORM calls from a thread with a
    # running loop unless told that this is deliberate (the tests' ORM calls are synchronous).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def login(page, base_url: str, username: str, password: str) -> None:
    """Password, then (for a user with an authenticator) the code it shows now."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/accounts/two-factor/" in page.url and "/enrol/" not in page.url:
        from django.contrib.auth import get_user_model

        from tests.login import current_code

        page.fill("input[name=code]", current_code(get_user_model().objects.get(username=username)))
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

"""With DEBUG off, 403, 404 and 500 are pages in words: what happened and whom to ask, never a URL list or a trace."""

import pytest
from django.test import Client
from django.urls import reverse

from blinatrial.access import refusal
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory
from tests.login import force_verified_login

DEBUG_MARKERS = ("urlpatterns", "Using the URLconf", "Traceback", "RuntimeError", "Django tried these URL patterns")


@pytest.fixture(autouse=True)
def _production_pages(settings):
    settings.DEBUG = False


def _assert_no_debug(page: str) -> None:
    for marker in DEBUG_MARKERS:
        assert marker not in page


def test_403_names_the_role_the_page_is_for_and_whom_to_ask(coordinator_client):
    response = coordinator_client.get(reverse("integrity:lock-list"))  # locks: data managers only
    page = response.content.decode()
    assert response.status_code == 403
    assert "This page is for data managers. Ask your data manager if you need that role" in page
    assert "Back to your work list" in page
    _assert_no_debug(page)


def test_refusal_lists_every_role_a_page_is_for():
    from blinatrial.access import DATA_MANAGER, INVESTIGATOR, MONITOR

    assert refusal([MONITOR, DATA_MANAGER]).startswith("This page is for data managers and monitors.")
    assert refusal([INVESTIGATOR, MONITOR, DATA_MANAGER]).startswith(
        "This page is for investigators, data managers and monitors."
    )


def test_404_says_the_page_is_missing_or_at_another_site(coordinator_client, site_b):
    other = ParticipantFactory(screening=ScreeningFactory(site=site_b, status="enrolled"))
    for url in ("/no/such/page/", reverse("enrollment:participant-detail", args=[other.pk])):
        response = coordinator_client.get(url)
        page = response.content.decode()
        assert response.status_code == 404
        assert "This page does not exist, or is not at your sites" in page
        _assert_no_debug(page)


def test_500_is_a_plain_page_that_needs_no_database_or_context(settings, coordinator):
    settings.ROOT_URLCONF = "tests.foundation.error_urls"
    client = force_verified_login(Client(raise_request_exception=False), coordinator)
    response = client.get("/broken/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "tell your data manager" in page
    _assert_no_debug(page)
    assert "{%" not in (settings.BASE_DIR / "templates" / "500.html").read_text()  # no tag: no context, no DB

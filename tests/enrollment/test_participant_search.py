"""The menu's search box finds a participant of the user's sites by part of the ID or by the initials."""

import re

import pytest
from django.urls import reverse

from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

LIST = reverse("enrollment:participant-list")


@pytest.fixture
def people(site_a, site_b):
    return {
        "kim": ParticipantFactory(screening=ScreeningFactory(site=site_a, status="enrolled", initials="KM")),
        "lee": ParticipantFactory(screening=ScreeningFactory(site=site_a, status="enrolled", initials="LR")),
        "far": ParticipantFactory(screening=ScreeningFactory(site=site_b, status="enrolled", initials="KM")),
    }


def _found(client, q: str) -> set[str]:
    response = client.get(LIST, {"q": q})
    assert response.status_code == 200
    return {r["participant_id"] for r in response.context["rows"]}


def test_search_by_initials_finds_only_own_sites_participants(coordinator_client, people):
    assert _found(coordinator_client, "km") == {people["kim"].participant_id}


def test_search_by_part_of_the_id(coordinator_client, people):
    lee = people["lee"].participant_id
    assert _found(coordinator_client, lee.split("-")[1]) == {lee}


def test_search_finding_nothing_shows_no_row(coordinator_client, people):
    assert _found(coordinator_client, "ZZ") == set()


def test_the_menu_has_the_search_box(coordinator_client):
    page = coordinator_client.get(reverse("home")).content.decode()
    form = re.search(r'<form[^>]*data-testid="menu-search".*?</form>', page, re.S).group(0)
    assert f'action="{LIST}"' in form and 'name="q"' in form
    assert '<label class="visually-hidden" for="menu-search-q">Find a participant by ID or initials</label>' in form

"""Pages that only show refuse any other method (405), whoever asks."""

import pytest
from django.urls import reverse

from tests.factories.cycles import CycleFactory
from tests.factories.enrollment import ParticipantFactory

CUTOFF = "2026-06-30"


@pytest.fixture
def page_urls(site_a):
    participant = ParticipantFactory(screening__site=site_a)
    cycle = CycleFactory(participant=participant)
    return [
        reverse("home"),
        reverse("participant-count"),
        reverse("enrollment:screening-list"),
        reverse("enrollment:screening-detail", args=[participant.screening_id]),
        reverse("enrollment:participant-list"),
        reverse("enrollment:participant-detail", args=[participant.pk]),
        reverse("cycles:due-visits"),
        reverse("cycles:participant-calendar", args=[participant.pk]),
        reverse("cycles:cycle-detail", args=[cycle.pk]),
        reverse("assessments:participant-assessments", args=[participant.pk]),
        reverse("assessments:eoc-detail", args=[participant.pk, "EOC1"]),
        reverse("assessments:status-matrix"),
        reverse("endpoints:dashboard"),
        reverse("endpoints:group", args=[CUTOFF, "ALL"]),
        reverse("endpoints:plot", args=[CUTOFF, "ALL", "os"]),
        reverse("endpoints:participant", args=[participant.pk]),
        reverse("integrity:query-list"),
        reverse("integrity:audit-list"),
        reverse("integrity:participant-audit", args=[participant.pk]),
        reverse("integrity:signature-print", args=[participant.pk]),
        reverse("integrity:lock-list"),
        reverse("exports:snapshot-list"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_page_that_only_shows_refuses_other_methods(data_manager_client, page_urls, method):
    answered = {url: getattr(data_manager_client, method)(url).status_code for url in page_urls}
    assert {url: code for url, code in answered.items() if code != 405} == {}


@pytest.mark.django_db
def test_health_answers_get_and_head_but_not_post(client):
    assert client.get(reverse("health")).status_code == 200
    assert client.head(reverse("health")).status_code == 200
    assert client.post(reverse("health")).status_code == 405


@pytest.mark.django_db
def test_a_form_page_refuses_put(coordinator_client, site_a):
    participant = ParticipantFactory(screening__site=site_a)
    assert coordinator_client.put(reverse("cycles:cycle-start", args=[participant.pk])).status_code == 405

"""The casebook offers "Start cycle 1", then "Start cycle 2", to the roles that enter data; never a third."""

import datetime

import pytest
from django.urls import reverse

from tests.factories.cycles import start_cycle
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

BUTTON = 'data-testid="casebook-start-cycle">Start cycle {}<'


@pytest.fixture
def participant(site_a):
    return ParticipantFactory(screening=ScreeningFactory(site=site_a, status="enrolled"))


def _casebook(client, participant) -> str:
    response = client.get(reverse("enrollment:participant-detail", args=[participant.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_casebook_offers_the_next_cycle_to_a_coordinator(coordinator_client, participant):
    start = reverse("cycles:cycle-start", args=[participant.pk])
    page = _casebook(coordinator_client, participant)
    # the link brings the coordinator back to the casebook after starting the cycle (issue 17's next)
    casebook = reverse("enrollment:participant-detail", args=[participant.pk]).replace("/", "%2F")
    assert BUTTON.format(1) in page and f'href="{start}?next={casebook}"' in page
    start_cycle(participant, participant.enrolled_on + datetime.timedelta(days=1))
    assert BUTTON.format(2) in _casebook(coordinator_client, participant)
    start_cycle(participant, participant.enrolled_on + datetime.timedelta(days=40), delay_reason="Count recovery")
    assert "casebook-start-cycle" not in _casebook(coordinator_client, participant)  # the regimen has two cycles


def test_a_monitor_is_not_offered_to_start_a_cycle(monitor_client, participant):
    assert "casebook-start-cycle" not in _casebook(monitor_client, participant)

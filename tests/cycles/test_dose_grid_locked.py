"""Dose grid: a locked participant's day opens read-only with the padlock banner and no save button; a post is
refused (403) with the lock's message and saves nothing."""

import datetime

import pytest
from django.urls import reverse

from cycles.models import Administration
from integrity import locking
from integrity.models import LockScope
from tests.factories.cycles import start_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_cycle(participant, coordinator, data_manager, today):
    cycle = start_cycle(participant, day1_on=today - datetime.timedelta(days=10), user=coordinator)
    locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant, reason="Source verified")
    return cycle


def test_locked_grid_opens_read_only(coordinator_client, locked_cycle):
    response = coordinator_client.get(reverse("cycles:dose-grid", args=[locked_cycle.pk, 1]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="lock-banner"' in html
    assert "Source verified" in html
    assert 'data-testid="save-doses"' not in html
    assert all(f.fields["status"].disabled for f in response.context["grid"].forms)


def test_locked_grid_post_refused_and_nothing_saved(coordinator_client, locked_cycle, participant):
    vds = Administration.objects.get(cycle=locked_cycle, drug_code="VDS", cycle_day=1)
    response = coordinator_client.post(reverse("cycles:dose-grid", args=[locked_cycle.pk, 1]), {
        "dose-TOTAL_FORMS": "2", "dose-INITIAL_FORMS": "2", f"dose-{vds.pk}-status": "given",
        f"dose-{vds.pk}-row_version": "1", f"dose-{vds.pk}-given_on": locked_cycle.day1_on.isoformat(),
        f"dose-{vds.pk}-actual_dose_mg": "5",
    })
    assert response.status_code == 403
    assert f"Participant {participant.participant_id} is locked" in response.content.decode()
    assert Administration.objects.get(pk=vds.pk).status == "planned"

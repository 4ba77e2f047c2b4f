"""Dose grid: another site's cycle is a 404, for the page and for a post (nothing saved)."""

import datetime

import pytest
from django.urls import reverse

from cycles.models import Administration
from tests.factories.cycles import start_cycle

pytestmark = pytest.mark.django_db


def test_grid_of_another_sites_cycle_is_not_found(coordinator_client, participant_b, data_manager, today):
    cycle = start_cycle(participant_b, day1_on=today - datetime.timedelta(days=10), user=data_manager)
    url = reverse("cycles:dose-grid", args=[cycle.pk, 1])
    assert coordinator_client.get(url).status_code == 404
    vds = Administration.objects.get(cycle=cycle, drug_code="VDS", cycle_day=1)
    response = coordinator_client.post(url, {
        "dose-TOTAL_FORMS": "2", "dose-INITIAL_FORMS": "2", f"dose-{vds.pk}-status": "given",
        f"dose-{vds.pk}-row_version": "1", f"dose-{vds.pk}-given_on": cycle.day1_on.isoformat(),
        f"dose-{vds.pk}-actual_dose_mg": "5",
    })
    assert response.status_code == 404
    assert Administration.objects.get(pk=vds.pk).status == "planned"


def test_grid_of_a_day_without_planned_doses_is_not_found(coordinator_client, participant, coordinator, today):
    cycle = start_cycle(participant, day1_on=today - datetime.timedelta(days=10), user=coordinator)
    assert coordinator_client.get(reverse("cycles:dose-grid", args=[cycle.pk, 9])).status_code == 404

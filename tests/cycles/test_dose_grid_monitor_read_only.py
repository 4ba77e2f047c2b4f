"""Dose grid: a monitor reviews a day's doses read-only (no save button, every input disabled); a post from a
monitor is refused and saves nothing. The cycle page offers the grid links to those who enter data only."""

import datetime

import pytest
from django.urls import reverse

from cycles.models import Administration
from tests.factories.cycles import start_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(participant, coordinator, today):
    return start_cycle(participant, day1_on=today - datetime.timedelta(days=10), user=coordinator)


def test_monitor_sees_the_grid_read_only(monitor_client, cycle):
    response = monitor_client.get(reverse("cycles:dose-grid", args=[cycle.pk, 1]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="review-banner"' in html
    assert 'data-testid="save-doses"' not in html
    assert all(field.disabled for f in response.context["grid"].forms for field in f.fields.values())
    cycle_page = monitor_client.get(reverse("cycles:cycle-detail", args=[cycle.pk])).content.decode()
    assert "Record day 1 doses" not in cycle_page


def test_monitor_post_refused_and_nothing_saved(monitor_client, cycle):
    vds = Administration.objects.get(cycle=cycle, drug_code="VDS", cycle_day=1)
    response = monitor_client.post(reverse("cycles:dose-grid", args=[cycle.pk, 1]), {
        "dose-TOTAL_FORMS": "2", "dose-INITIAL_FORMS": "2", f"dose-{vds.pk}-status": "given",
        f"dose-{vds.pk}-row_version": "1", f"dose-{vds.pk}-given_on": cycle.day1_on.isoformat(),
        f"dose-{vds.pk}-actual_dose_mg": "5",
    })
    assert response.status_code == 403
    assert "Monitors review the data; they do not change it." in response.content.decode()
    assert Administration.objects.get(pk=vds.pk).status == "planned"

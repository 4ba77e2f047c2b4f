"""Dose grid: nothing is proposed as given. Every status starts at "choose", dates and doses start empty; the
grid posted as rendered saves nothing; a row left untouched beside a recorded one stays planned."""

import datetime

import pytest
from django.urls import reverse

from cycles.models import Administration
from tests.factories.cycles import post_dose_grid, start_cycle

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.fixture
def cycle(participant, today, coordinator):
    return start_cycle(participant, day1_on=today - D(days=10), user=coordinator)


def test_grid_opens_with_no_status_date_or_dose_filled_in(coordinator_client, cycle):
    response = coordinator_client.get(reverse("cycles:dose-grid", args=[cycle.pk, 3]))
    assert response.status_code == 200
    forms = response.context["grid"].forms
    assert sorted(f.instance.drug_code for f in forms) == ["CTX", "DXM"]
    for form in forms:
        assert (form["status"].value(), form["given_on"].value(), form["actual_dose_mg"].value()) == ("", None, None)
    html = response.content.decode()
    assert html.count('<option value="" selected>— choose —</option>') == 2
    assert 'value="given" selected' not in html


def test_grid_posted_unchanged_saves_nothing(coordinator_client, cycle):
    response = post_dose_grid(coordinator_client, cycle, 3, {})
    assert response.status_code == 400
    assert "Nothing to save: choose what happened to at least one dose." in response.content.decode()
    assert set(Administration.objects.filter(cycle=cycle).values_list("status", flat=True)) == {"planned"}


def test_untouched_row_stays_planned_when_another_row_is_recorded(coordinator_client, cycle, today):
    day3 = (today - D(days=8)).isoformat()
    response = post_dose_grid(coordinator_client, cycle, 3, {
        "CTX": {"status": "given", "given_on": day3, "actual_dose_mg": "364"},
    })
    assert response.status_code == 302
    dxm = Administration.objects.get(cycle=cycle, drug_code="DXM", cycle_day=3)
    assert (dxm.status, dxm.given_on, dxm.actual_dose_mg, dxm.row_version) == ("planned", None, None, 1)
    assert Administration.objects.get(cycle=cycle, drug_code="CTX", cycle_day=3).status == "given"

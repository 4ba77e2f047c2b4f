"""Dose grid: one submit records the doses of a cycle day, each row through save_record with its own audit
event (who, the reason "Administration recorded"), and returns to the cycle page."""

import datetime

import pytest
from django.urls import reverse

from cycles.models import Administration
from integrity.audit import event_model_for
from tests.factories.cycles import post_dose_grid, start_cycle

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def test_grid_saves_two_doses_with_one_audit_event_each(coordinator_client, coordinator, participant, today):
    cycle = start_cycle(participant, day1_on=today - D(days=10), user=coordinator)
    day1 = (today - D(days=10)).isoformat()
    events = event_model_for(Administration).objects
    before = events.count()

    response = post_dose_grid(coordinator_client, cycle, 1, {
        "VDS": {"status": "given", "given_on": day1, "actual_dose_mg": "5"},
        "DXM": {"status": "reduced", "given_on": day1, "actual_dose_mg": "12", "reason": "Hyperglycaemia"},
    })

    assert response.status_code == 302
    assert response.url == reverse("cycles:cycle-detail", args=[cycle.pk])
    vds = Administration.objects.get(cycle=cycle, drug_code="VDS", cycle_day=1)
    dxm = Administration.objects.get(cycle=cycle, drug_code="DXM", cycle_day=1)
    assert (vds.status, vds.given_on, str(vds.actual_dose_mg)) == ("given", today - D(days=10), "5.00")
    assert (dxm.status, str(dxm.actual_dose_mg), dxm.reason) == ("reduced", "12.00", "Hyperglycaemia")
    assert (vds.updated_by, dxm.updated_by) == (coordinator, coordinator)
    new = list(events.order_by("pgh_id")[before:])
    assert sorted((e.pgh_obj_id, e.status) for e in new) == sorted([(vds.pk, "given"), (dxm.pk, "reduced")])
    assert {(e.pgh_context.metadata["user"], e.pgh_context.metadata["reason"]) for e in new} == {
        (coordinator.pk, "Administration recorded")
    }
    assert Administration.objects.filter(cycle=cycle, cycle_day=2, status="planned").count() == 1


def test_cycle_page_links_each_dose_day_to_its_grid(coordinator_client, coordinator, participant, today):
    cycle = start_cycle(participant, day1_on=today - D(days=10), user=coordinator)
    html = coordinator_client.get(reverse("cycles:cycle-detail", args=[cycle.pk])).content.decode()
    assert f'href="{reverse("cycles:dose-grid", args=[cycle.pk, 8])}"' in html
    assert "Record day 8 doses" in html
    assert "Record day 9 doses" not in html  # no dose is planned on day 9 of cycle 1

"""Dose grid: changing a dose already recorded asks for the reason for change (as the single form does), the
reason lands in that row's audit event, and a row someone saved meanwhile is refused, nothing saved."""

import datetime

import pytest

from cycles import services
from cycles.models import Administration
from integrity.audit import event_model_for
from tests.factories.cycles import post_dose_grid, start_cycle

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.fixture
def recorded(participant, coordinator, today):
    cycle = start_cycle(participant, day1_on=today - D(days=10), user=coordinator)
    vds = Administration.objects.get(cycle=cycle, drug_code="VDS", cycle_day=1)
    services.record_administration(
        administration=vds, status="given", given_on=cycle.day1_on, actual_dose_mg=vds.planned_dose_mg, user=coordinator
    )
    return cycle


def test_edit_of_recorded_dose_refused_without_reason_for_change(coordinator_client, recorded):
    response = post_dose_grid(coordinator_client, recorded, 1, {"VDS": {"actual_dose_mg": "4.8"}})
    assert response.status_code == 400
    forms = {f.instance.drug_code: f for f in response.context["grid"].forms}
    assert forms["VDS"].errors["change_reason"] == ["This field is required."]
    assert str(Administration.objects.get(cycle=recorded, drug_code="VDS", cycle_day=1).actual_dose_mg) == "5.00"


def test_edit_of_recorded_dose_saved_with_its_reason_for_change(coordinator_client, recorded):
    response = post_dose_grid(
        coordinator_client, recorded, 1, {"VDS": {"actual_dose_mg": "4.8", "change_reason": "Transcription error"}}
    )
    assert response.status_code == 302
    vds = Administration.objects.get(cycle=recorded, drug_code="VDS", cycle_day=1)
    assert str(vds.actual_dose_mg) == "4.80"
    last = event_model_for(Administration).objects.filter(pgh_obj_id=vds.pk).order_by("pgh_id").last()
    assert last.pgh_context.metadata["reason"] == "Transcription error"
    assert Administration.objects.get(cycle=recorded, drug_code="DXM", cycle_day=1).status == "planned"


def test_row_saved_by_someone_else_meanwhile_refuses_the_whole_grid(coordinator_client, coordinator, recorded):
    from django.urls import reverse

    url = reverse("cycles:dose-grid", args=[recorded.pk, 1])
    grid = coordinator_client.get(url).context["grid"]
    vds, dxm = (next(f for f in grid.forms if f.instance.drug_code == code) for code in ("VDS", "DXM"))
    Administration.objects.filter(pk=vds.instance.pk).update(row_version=5, actual_dose_mg=4)  # another user's save
    data = {"dose-TOTAL_FORMS": "2", "dose-INITIAL_FORMS": "2",
            vds.add_prefix("row_version"): "2", vds.add_prefix("status"): "given",
            vds.add_prefix("given_on"): recorded.day1_on.isoformat(), vds.add_prefix("actual_dose_mg"): "4.5",
            vds.add_prefix("change_reason"): "Transcription error",
            dxm.add_prefix("row_version"): "1", dxm.add_prefix("status"): "given",
            dxm.add_prefix("given_on"): recorded.day1_on.isoformat(), dxm.add_prefix("actual_dose_mg"): "18.2"}
    response = coordinator_client.post(url, data)
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing it" in response.content.decode()
    assert Administration.objects.get(pk=dxm.instance.pk).status == "planned"
    assert str(Administration.objects.get(pk=vds.instance.pk).actual_dose_mg) == "4.00"

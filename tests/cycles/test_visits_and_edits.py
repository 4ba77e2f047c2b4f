"""Recording a visit done or missed, editing a recorded dose (reason for change), stopping a cycle early."""

import datetime

import pytest
from django.urls import reverse

from cycles import services
from cycles.models import AdministrationStatus, Cycle, VisitRecord
from tests.factories.cycles import start_cycle

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.fixture
def cycle(participant, today, coordinator):
    return start_cycle(participant, today - D(days=20), coordinator)


def token(client, url):
    return client.get(url).context["form"]["submission_token"].value()


def test_visit_marked_missed_when_reason_given(coordinator_client, cycle):
    url = reverse("cycles:visit-record", args=[cycle.pk, "D15"])
    response = coordinator_client.post(
        url, {"missed_reason": "Participant in ICU", "submission_token": token(coordinator_client, url)}
    )
    assert response.status_code == 302
    page = coordinator_client.get(reverse("cycles:participant-calendar", args=[cycle.participant_id]))
    visits = {v.code: v for _, cal in page.context["cycles"] for v in cal}
    assert visits["D15"].status == "missed" and visits["D8"].status == "overdue"


def test_visit_refused_when_neither_date_nor_reason(coordinator_client, cycle):
    url = reverse("cycles:visit-record", args=[cycle.pk, "D15"])
    response = coordinator_client.post(url, {"submission_token": token(coordinator_client, url)})
    assert "visit date" in response.context["form"].errors["visited_on"][0]
    assert not VisitRecord.objects.exists()


def test_visit_404_when_code_not_in_protocol(coordinator_client, cycle):
    assert coordinator_client.get(reverse("cycles:visit-record", args=[cycle.pk, "D99"])).status_code == 404


def test_recorded_dose_edit_needs_reason_for_change_when_saved_before(coordinator_client, cycle, coordinator):
    adm = cycle.administrations.get(drug_code="CTX", cycle_day=3)
    services.record_administration(
        administration=adm,
        status=AdministrationStatus.GIVEN,
        given_on=adm.planned_on,
        actual_dose_mg=adm.planned_dose_mg,
        user=coordinator,
    )
    adm.refresh_from_db()
    url = reverse("cycles:administration-record", args=[adm.pk])
    data = {
        "status": "given",
        "given_on": adm.planned_on.isoformat(),
        "actual_dose_mg": "360",
        "route": "IV",
        "reason": "",
        "row_version": adm.row_version,
    }
    refused = coordinator_client.post(url, data)
    assert "change_reason" in refused.context["form"].errors
    ok = coordinator_client.post(url, {**data, "change_reason": "Transcription error"})
    assert ok.status_code == 302
    adm.refresh_from_db()
    assert str(adm.actual_dose_mg) == "360.00" and adm.row_version == 3


def test_cycle_stopped_early_needs_reason_when_status_set(coordinator_client, cycle):
    url = reverse("cycles:cycle-edit", args=[cycle.pk])
    data = {
        "status": "stopped_early",
        "status_reason": "",
        "delay_reason": "",
        "row_version": cycle.row_version,
        "change_reason": "Other",
        "change_reason_detail": "Progressive disease",
    }
    assert "status_reason" in coordinator_client.post(url, data).context["form"].errors
    assert coordinator_client.post(url, {**data, "status_reason": "Refractory disease"}).status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).status == "stopped_early"


def test_held_dose_needs_reason_when_recorded(coordinator_client, cycle):
    adm = cycle.administrations.get(drug_code="DXM", cycle_day=2)
    url = reverse("cycles:administration-record", args=[adm.pk])
    data = {"status": "held", "given_on": "", "actual_dose_mg": "", "route": "PO", "reason": "", "row_version": 1}
    assert "reason" in coordinator_client.post(url, data).context["form"].errors
    assert coordinator_client.post(url, {**data, "reason": "Hyperglycaemia"}).status_code == 302
    adm.refresh_from_db()
    assert adm.status == "held"
    cycle.participant.refresh_from_db()
    assert cycle.participant.status == "enrolled"  # a held dose is not a first dose

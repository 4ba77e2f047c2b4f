"""Acceptance 1, creates through the apps' own views (not the generic test view): each new record gets
exactly one insert event carrying the coordinator and a reason ("Initial entry" for the forms), stamped
by the database clock: assessments and transplant forms, then a whole coordinator journey (screening,
consent, enrollment and its status change, cycle start with its planned administrations, infusion
segment, visit)."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import (
    BloodCount,
    BoneMarrowAssessment,
    ExtramedullaryDisease,
    FlowMrd,
    FollowUpContact,
    NgsMrd,
    ResponseCall,
)
from cycles.models import Transplant
from enrollment.models import ScreeningRecord
from integrity.audit import event_model_for
from tests.enrollment.conftest import screening_data

pytestmark = pytest.mark.django_db


def only_insert_event(record, user) -> None:
    events = list(event_model_for(type(record)).objects.filter(pgh_obj_id=record.pk))
    assert [e.pgh_label for e in events] == ["insert"], type(record).__name__
    metadata = events[0].pgh_context.metadata
    assert (metadata["user"], metadata["reason"]) == (user.pk, "Initial entry"), type(record).__name__
    assert events[0].pgh_created_at.utcoffset() == datetime.timedelta(0)


def post(client, url: str, data: dict) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_every_assessment_created_through_its_form_has_one_insert_event(participant, coordinator,
                                                                      coordinator_client):
    day = lambda n: (participant.enrolled_on + datetime.timedelta(days=n)).isoformat()  # noqa: E731
    post(coordinator_client, reverse("assessments:marrow-add", args=[participant.pk]), {
        "timepoint": "EOC1", "sample_date": day(30), "aspirate_adequacy": "ADEQUATE", "blasts_pct": "1.5",
        "cellularity": "NORMO", "sample_id": "BM-A1",
    })
    marrow = BoneMarrowAssessment.objects.get(participant=participant)
    post(coordinator_client, reverse("assessments:cbc-add", args=[participant.pk]), {
        "sample_date": day(29), "anc_e9_per_l": "1.8", "platelets_e9_per_l": "150", "hb_g_per_l": "105",
        "wbc_e9_per_l": "3.9", "circulating_blasts": "ABSENT",
    })
    post(coordinator_client, reverse("assessments:emd-add", args=[participant.pk]), {
        "assessed_on": day(30), "status": "NONE", "cns_status": "CNS1",
    })
    post(coordinator_client, reverse("assessments:flow-add", args=[marrow.pk]), {
        "result_type": "QUANTIFIED", "value_pct": "0.02", "lod_pct": "0.005", "cells_analysed": "600000",
        "lab": "Central", "method_version": "v2",
    })
    post(coordinator_client, reverse("assessments:call-add", args=[marrow.pk]), {"response": "CR"})
    post(coordinator_client, reverse("assessments:ngs-add", args=[marrow.pk]), {
        "clone_trackable": "True", "result": "NOT_DETECTED", "lod_fraction": "1e-6",
    })
    post(coordinator_client, reverse("assessments:followup-add", args=[participant.pk]), {
        "contact_date": day(45), "method": "VISIT", "vital_status": "ALIVE", "disease_status": "CONTINUED_REMISSION",
    })
    post(coordinator_client, reverse("cycles:transplant-add", args=[participant.pk]), {
        "transplanted_on": day(40), "donor_type": "matched_sibling", "conditioning_intensity": "MAC",
        "conditioning_regimen": "TBI 12 Gy + cyclophosphamide",
    })
    for model in (BoneMarrowAssessment, BloodCount, ExtramedullaryDisease, FlowMrd, NgsMrd, ResponseCall,
                  FollowUpContact, Transplant):
        records = list(model.objects.all())
        assert len(records) == 1, model.__name__
        only_insert_event(records[0], coordinator)


def test_a_screening_created_through_its_form_has_one_insert_event(site_a, coordinator, coordinator_client):
    post(coordinator_client, reverse("enrollment:screening-add"), screening_data(site_a))
    only_insert_event(ScreeningRecord.objects.get(), coordinator)


def token(client, url: str) -> str:
    return client.get(url).context["form"]["submission_token"].value()


def inserted_by(record, user) -> None:
    """One insert event for the record, by `user`, with a reason (services name their own: "Enrolled", ...)."""
    events = list(event_model_for(type(record)).objects.filter(pgh_obj_id=record.pk))
    inserts = [e for e in events if e.pgh_label == "insert"]
    assert len(inserts) == 1, type(record).__name__
    metadata = inserts[0].pgh_context.metadata
    assert metadata["user"] == user.pk and metadata.get("reason"), (type(record).__name__, metadata)


def test_the_coordinators_journey_through_the_views_audits_every_record_it_creates(site_a, coordinator,
                                                                                 coordinator_client):
    from cycles.models import Administration, BlinatumomabSegment, Cycle, VisitRecord
    from enrollment.models import Consent, Participant, StatusChange
    from tests.enrollment.conftest import days_ago, enroll_data

    post(coordinator_client, reverse("enrollment:screening-add"), screening_data(site_a))
    screening = ScreeningRecord.objects.get()
    post(coordinator_client, reverse("enrollment:consent-add", args=[screening.pk]), {
        "document_version": "1.1", "signed_on": days_ago(9).isoformat(), "obtained_by": "Dr Zhang",
    })
    post(coordinator_client, reverse("enrollment:participant-enroll", args=[screening.pk]), enroll_data())
    participant = Participant.objects.get()
    url = reverse("cycles:cycle-start", args=[participant.pk])
    post(coordinator_client, url, {"day1_on": days_ago(0).isoformat(), "weight_kg": "70",
                                   "submission_token": token(coordinator_client, url)})
    cycle = Cycle.objects.get()
    start = datetime.datetime.combine(cycle.day1_on, datetime.time(0, 30), tzinfo=datetime.UTC)
    post(coordinator_client, reverse("cycles:segment-add", args=[cycle.pk]), {
        "started_at": start.strftime("%Y-%m-%dT%H:%M"), "stopped_at": "", "rate_mcg_per_day": "9",
        "stop_reason": "", "premedication_at": "",
    })
    url = reverse("cycles:visit-record", args=[cycle.pk, "D15"])
    post(coordinator_client, url, {"missed_reason": "In ICU", "submission_token": token(coordinator_client, url)})

    created = [Consent.objects.get(), participant, cycle, BlinatumomabSegment.objects.get(), VisitRecord.objects.get(),
               *StatusChange.objects.all(), *Administration.objects.filter(cycle=cycle)]
    assert len(created) > 6
    for record in created:
        inserted_by(record, coordinator)

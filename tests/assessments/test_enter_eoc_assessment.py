"""Acceptance 1: EOC1 marrow, CBC, EMD and flow MRD entered through the views -> the casebook shows the
derived response and MRD class beside the investigator's call (and flags a disagreement)."""

import pytest
from django.urls import reverse

from assessments.models import BloodCount, BoneMarrowAssessment, ExtramedullaryDisease, FlowMrd, ResponseCall
from tests.dates import read

pytestmark = pytest.mark.django_db


def _post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def enter_eoc1(client, participant, days_ago, *, platelets="150", flow=None):
    _post(client, reverse("assessments:marrow-add", args=[participant.pk]), {
        "timepoint": "EOC1", "sample_date": days_ago(40).isoformat(), "aspirate_adequacy": "ADEQUATE",
        "blasts_pct": "1.5", "cellularity": "NORMO", "sample_id": "BM-1",
    })
    marrow = BoneMarrowAssessment.objects.get(participant=participant, timepoint="EOC1")
    _post(client, reverse("assessments:cbc-add", args=[participant.pk]), {
        "sample_date": days_ago(41).isoformat(), "anc_e9_per_l": "1.8", "platelets_e9_per_l": platelets,
        "hb_g_per_l": "105", "wbc_e9_per_l": "3.9", "circulating_blasts": "ABSENT",
    })
    _post(client, reverse("assessments:emd-add", args=[participant.pk]), {
        "assessed_on": days_ago(40).isoformat(), "status": "NONE", "cns_status": "CNS1",
    })
    _post(client, reverse("assessments:flow-add", args=[marrow.pk]), flow or {
        "result_type": "QUANTIFIED", "value_pct": "0.02", "lod_pct": "0.005", "cells_analysed": "600000",
        "lab": "Central", "method_version": "v2",
    })
    return marrow


def test_casebook_shows_derived_response_beside_call_when_eoc1_entered(coordinator_client, participant, days_ago):
    marrow = enter_eoc1(coordinator_client, participant, days_ago)
    _post(coordinator_client, reverse("assessments:call-add", args=[marrow.pk]), {"response": "CR"})
    assert BloodCount.objects.count() == ExtramedullaryDisease.objects.count() == FlowMrd.objects.count() == 1
    assert ResponseCall.objects.get().created_by.username == "coord_a"

    page = coordinator_client.get(reverse("enrollment:participant-detail", args=[participant.pk])).content.decode()
    assert 'data-testid="derived-response-EOC1">CR<' in page
    assert 'data-testid="investigator-call-EOC1">CR<' in page
    assert 'data-testid="flow-class-EOC1">NEG<' in page
    assert 'data-testid="disagreement-EOC1"' not in page


def test_casebook_flags_disagreement_when_call_differs_from_derived(coordinator_client, participant, days_ago):
    marrow = enter_eoc1(coordinator_client, participant, days_ago, platelets="99")  # CRh, not CR
    _post(coordinator_client, reverse("assessments:call-add", args=[marrow.pk]), {"response": "CR"})

    page = coordinator_client.get(reverse("enrollment:participant-detail", args=[participant.pk])).content.decode()
    assert 'data-testid="derived-response-EOC1">CRh<' in page
    assert 'data-testid="investigator-call-EOC1">CR<' in page
    assert 'data-testid="disagreement-EOC1"' in page
    assert "investigator call differs from derived response" in page  # timeline flag


def test_eoc_page_shows_cbc_used_and_mrd_class_when_not_detected_lod_too_high(
    coordinator_client, participant, days_ago
):
    flow = {"result_type": "NOT_DETECTED", "lod_pct": "0.2"}
    enter_eoc1(coordinator_client, participant, days_ago, flow=flow)

    page = coordinator_client.get(reverse("assessments:eoc-detail", args=[participant.pk, "EOC1"])).content.decode()
    assert read(days_ago(41)) in page  # the CBC used
    assert 'data-testid="derived-response-EOC1">CR<' in page
    assert 'data-testid="flow-class-EOC1">not evaluable: insufficient sensitivity<' in page


def test_call_form_warns_when_entered_call_differs_from_derived(coordinator_client, participant, days_ago):
    marrow = enter_eoc1(coordinator_client, participant, days_ago, platelets="99")
    # An invalid post (comment too long) re-renders the form with the proposed call beside the derived one.
    response = coordinator_client.post(
        reverse("assessments:call-add", args=[marrow.pk]), {"response": "CR", "comment": "x" * 401}
    )
    assert response.status_code == 400
    assert 'data-testid="call-disagrees"' in response.content.decode()
    assert not ResponseCall.objects.exists()

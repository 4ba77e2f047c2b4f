"""Site isolation (another site's records are 404) and roles (monitors read, never write)."""

import datetime

import pytest
from django.urls import reverse

from assessments import models
from tests.factories.assessments import (
    BloodCountFactory,
    EmdFactory,
    FlowMrdFactory,
    FollowUpContactFactory,
    MarrowFactory,
    NgsMrdFactory,
    ResponseCallFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records_b(participant_b):
    marrow = MarrowFactory(participant=participant_b, sample_date=datetime.date.today() - datetime.timedelta(days=30))
    return {
        "marrow": marrow,
        "cbc": BloodCountFactory(participant=participant_b),
        "emd": EmdFactory(participant=participant_b),
        "followup": FollowUpContactFactory(participant=participant_b),
        "flow": FlowMrdFactory(marrow=marrow),
        "ngs": NgsMrdFactory(marrow=marrow),
        "call": ResponseCallFactory(marrow=marrow),
    }


def _urls(participant, records):
    urls = [
        reverse("assessments:participant-assessments", args=[participant.pk]),
        reverse("assessments:eoc-detail", args=[participant.pk, "EOC1"]),
    ]
    urls += [reverse(f"assessments:{kind}-add", args=[participant.pk]) for kind in ("marrow", "cbc", "emd", "followup")]
    urls += [reverse(f"assessments:{kind}-add", args=[records["marrow"].pk]) for kind in ("flow", "ngs", "call")]
    urls += [reverse(f"assessments:{kind}-edit", args=[obj.pk]) for kind, obj in records.items()]
    return urls


def test_other_site_records_are_404_when_coordinator_of_site_a(coordinator_client, participant_b, records_b):
    urls = _urls(participant_b, records_b)
    for url in urls:
        assert coordinator_client.get(url).status_code == 404, url
    for url in urls[2:]:
        assert coordinator_client.post(url, {"blasts_pct": "1"}).status_code == 404, url
    for url in urls[:2]:  # pages that only show refuse a POST before they look anything up
        assert coordinator_client.post(url, {"blasts_pct": "1"}).status_code == 405, url
    assert models.BoneMarrowAssessment.objects.count() == 1


def test_own_site_pages_open_when_coordinator_of_site_b(coordinator_b_client, participant_b, records_b):
    for url in _urls(participant_b, records_b):
        assert coordinator_b_client.get(url).status_code == 200, url


def test_monitor_reads_but_cannot_write(monitor_client, participant, site_a):
    marrow = MarrowFactory(participant=participant, sample_date=datetime.date.today() - datetime.timedelta(days=30))
    page = monitor_client.get(reverse("assessments:eoc-detail", args=[participant.pk, "EOC1"]))
    assert page.status_code == 200
    assert reverse("assessments:flow-add", args=[marrow.pk]) not in page.content.decode()
    for url in (
        reverse("assessments:marrow-add", args=[participant.pk]),
        reverse("assessments:flow-add", args=[marrow.pk]),
        reverse("assessments:followup-add", args=[participant.pk]),
    ):
        assert monitor_client.get(url).status_code == 403
        assert monitor_client.post(url, {"timepoint": "EOC2"}).status_code == 403
    # a saved record opens read-only for review (issue 17); a POST is still refused
    edit = reverse("assessments:marrow-edit", args=[marrow.pk])
    assert 'data-read-only="true"' in monitor_client.get(edit).content.decode()
    assert monitor_client.post(edit, {"timepoint": "EOC2"}).status_code == 403
    assert models.BoneMarrowAssessment.objects.count() == 1 and not models.FlowMrd.objects.exists()


def test_edit_requires_reason_and_keeps_one_row(coordinator_client, participant):
    marrow = MarrowFactory(participant=participant, timepoint="EOC1",
                           sample_date=datetime.date.today() - datetime.timedelta(days=30))
    url = reverse("assessments:marrow-edit", args=[marrow.pk])
    data = {"timepoint": "EOC1", "sample_date": marrow.sample_date.isoformat(), "aspirate_adequacy": "ADEQUATE",
            "blasts_pct": "3.5", "cellularity": "NORMO", "row_version": marrow.row_version}
    assert coordinator_client.post(url, data).status_code == 400
    response = coordinator_client.post(url, {**data, "change_reason": "Transcription error"})
    assert response.status_code == 302
    marrow.refresh_from_db()
    assert (float(marrow.blasts_pct), marrow.row_version, marrow.cycle_number) == (3.5, 2, 1)

"""Monitors read the enrollment pages of their sites but cannot write (403 on every write view)."""

import pytest
from django.urls import reverse

from enrollment.models import Consent, ScreeningRecord
from tests.enrollment.conftest import screening_data

pytestmark = pytest.mark.django_db


def test_monitor_reads_lists_and_casebook_when_assigned_to_the_site(monitor_client, participant_a):
    for url in (reverse("enrollment:screening-list"), reverse("enrollment:participant-list"),
                reverse("enrollment:screening-detail", args=[participant_a.screening.pk]),
                reverse("enrollment:participant-detail", args=[participant_a.pk])):
        response = monitor_client.get(url)
        assert response.status_code == 200
        assert "screening-add" not in response.content.decode()  # no write buttons
        assert b"Change status" not in response.content


@pytest.mark.parametrize("name", ["enrollment:screening-edit", "enrollment:screening-fail", "enrollment:consent-add",
                                  "enrollment:participant-enroll"])
def test_monitor_gets_403_when_posting_to_a_screening_write_view(monitor_client, eligible_screening, name):
    response = monitor_client.post(reverse(name, args=[eligible_screening.pk]), {"reason": "x"})
    assert response.status_code == 403
    eligible_screening.refresh_from_db()
    assert eligible_screening.row_version == 1 and eligible_screening.status == "screening"
    assert Consent.objects.filter(screening=eligible_screening).count() == 1


def test_monitor_gets_403_when_screening_or_changing_status(monitor_client, site_a, participant_a):
    assert monitor_client.get(reverse("enrollment:screening-add")).status_code == 403
    assert monitor_client.post(reverse("enrollment:screening-add"), screening_data(site_a)).status_code == 403
    url = reverse("enrollment:participant-status", args=[participant_a.pk])
    assert monitor_client.post(url, {"to_status": "on_treatment"}).status_code == 403
    assert ScreeningRecord.objects.count() == 1


@pytest.mark.parametrize("fixture", ["investigator_client", "data_manager_client"])
def test_investigators_and_data_managers_may_screen_when_assigned(request, fixture, site_a):
    client = request.getfixturevalue(fixture)
    response = client.post(reverse("enrollment:screening-add"), screening_data(site_a))
    assert response.status_code == 302
    assert ScreeningRecord.objects.count() == 1


def test_monitor_opens_a_consent_read_only_and_cannot_post(monitor_client, eligible_screening):
    consent = eligible_screening.consents.get()
    url = reverse("enrollment:consent-edit", args=[consent.pk])
    assert 'data-read-only="true"' in monitor_client.get(url).content.decode()
    assert monitor_client.post(url, {"change_reason": "Other"}).status_code == 403
    consent.refresh_from_db()
    assert consent.row_version == 1

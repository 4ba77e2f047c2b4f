"""Acceptance 3: a coordinator of site A gets 404 for site B's records on every enrollment route, and the
lists and searches never contain them."""

import pytest
from django.urls import reverse

from enrollment.models import Consent, Participant, ScreeningRecord
from tests.enrollment.conftest import enroll_data, screening_data

pytestmark = pytest.mark.django_db

SCREENING_ROUTES = [
    ("get", "enrollment:screening-detail"),
    ("get", "enrollment:screening-edit"),
    ("post", "enrollment:screening-edit"),
    ("post", "enrollment:screening-fail"),
    ("get", "enrollment:consent-add"),
    ("post", "enrollment:consent-add"),
    ("get", "enrollment:participant-enroll"),
    ("post", "enrollment:participant-enroll"),
]
PARTICIPANT_ROUTES = [
    ("get", "enrollment:participant-detail"),
    ("get", "enrollment:participant-status"),
    ("post", "enrollment:participant-status"),
]


@pytest.mark.parametrize(("method", "name"), SCREENING_ROUTES)
def test_screening_routes_answer_404_when_the_record_is_at_another_site(coordinator_client, screening_b, method,
                                                                        name):
    response = getattr(coordinator_client, method)(reverse(name, args=[screening_b.pk]), enroll_data())
    assert response.status_code == 404
    screening_b.refresh_from_db()
    assert screening_b.status == "screening" and screening_b.row_version == 1
    assert not Consent.objects.filter(screening=screening_b).exists()
    assert not Participant.objects.filter(screening=screening_b).exists()


@pytest.mark.parametrize(("method", "name"), PARTICIPANT_ROUTES)
def test_participant_routes_answer_404_when_the_participant_is_at_another_site(coordinator_client, participant_b,
                                                                               method, name):
    data = {"to_status": "on_treatment", "changed_on": participant_b.enrolled_on.isoformat()}
    response = getattr(coordinator_client, method)(reverse(name, args=[participant_b.pk]), data)
    assert response.status_code == 404
    participant_b.refresh_from_db()
    assert participant_b.status == "enrolled"


def test_own_site_routes_answer_200_when_the_record_is_at_my_site(coordinator_client, participant_a):
    for name, pk in [("enrollment:screening-detail", participant_a.screening.pk),
                     ("enrollment:participant-detail", participant_a.pk),
                     ("enrollment:participant-status", participant_a.pk)]:
        assert coordinator_client.get(reverse(name, args=[pk])).status_code == 200


def _table(response) -> str:
    """The result table only (the search box echoes the search term)."""
    return response.content.decode().split("<tbody>")[1].split("</tbody>")[0]


def test_lists_omit_other_sites_when_listing_and_searching(coordinator_client, participant_a, participant_b):
    base = reverse("enrollment:participant-list")
    for url in (base, base + "?q=02-", base + "?q=" + participant_b.participant_id, base + "?status=enrolled"):
        response = coordinator_client.get(url)
        assert participant_b not in response.context["page"].object_list
        assert participant_b.participant_id not in _table(response)
    assert participant_a.participant_id in _table(coordinator_client.get(base))
    base = reverse("enrollment:screening-list")
    for url in (base, base + "?q=S02-901", base + "?status=enrolled"):
        table = _table(coordinator_client.get(url))
        assert "S02-901" not in table and participant_b.participant_id not in table
    assert participant_a.screening.screening_number in _table(coordinator_client.get(base))


def test_screening_add_refuses_another_site_when_posted(coordinator_client, site_b):
    response = coordinator_client.post(reverse("enrollment:screening-add"), screening_data(site_b))
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["form"].errors["site"][0]
    assert not ScreeningRecord.objects.exists()


def test_data_manager_sees_every_site_when_assigned_to_all(data_manager_client, participant_a, participant_b):
    page = data_manager_client.get(reverse("enrollment:participant-list")).content.decode()
    assert participant_a.participant_id in page and participant_b.participant_id in page
    assert data_manager_client.get(reverse("enrollment:participant-detail", args=[participant_b.pk])).status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_consent_edit_answers_404_when_the_consent_is_at_another_site(coordinator_client, participant_b, method):
    consent = participant_b.screening.consents.get()
    data = {"document_version": "1.1", "signed_on": consent.signed_on.isoformat(), "obtained_by": "X",
            "row_version": 1, "change_reason": "Transcription error"}
    response = getattr(coordinator_client, method)(reverse("enrollment:consent-edit", args=[consent.pk]), data)
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.obtained_by == "Dr Investigator" and consent.row_version == 1

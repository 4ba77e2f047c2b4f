"""Acceptance 2: enrollment is refused with a clear message and nothing saved."""

import pytest
from django.urls import reverse

from enrollment import services
from enrollment.models import Participant, ScreeningRecord, StatusChange, StudySettings
from enrollment.protocol import ENROLLMENT_PROTOCOL
from tests.dates import read
from tests.enrollment.conftest import days_ago, enroll_data
from tests.factories.enrollment import ConsentFactory, ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db


def _post_enroll(client, screening, **overrides):
    return client.post(reverse("enrollment:participant-enroll", args=[screening.pk]), enroll_data(**overrides))


def _assert_refused(response, screening, message: str) -> None:
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Participant.objects.filter(screening=screening).exists()
    assert not StatusChange.objects.exists()
    assert ScreeningRecord.objects.get(pk=screening.pk).status == "screening"


def test_enrollment_refused_when_ineligible(coordinator_client, site_a):
    criteria = {c.code: c.required_answer for c in ENROLLMENT_PROTOCOL.criteria} | {"EXC_CNS3": "met"}
    screening = ScreeningFactory(site=site_a, criteria=criteria, cns_status="CNS3")  # CNS3 in the data
    ConsentFactory(screening=screening)
    response = _post_enroll(coordinator_client, screening)
    _assert_refused(response, screening, "The candidate is not eligible: CNS3 disease: present (exclusion) (CNS3).")


def test_enrollment_refused_when_no_consent(coordinator_client, site_a):
    screening = ScreeningFactory(site=site_a)
    _assert_refused(_post_enroll(coordinator_client, screening), screening, "No signed consent is on file.")


def test_enrollment_refused_when_consent_version_not_approved(coordinator_client, site_a):
    screening = ScreeningFactory(site=site_a)
    ConsentFactory(screening=screening, document_version="2.0-draft")
    response = _post_enroll(coordinator_client, screening)
    _assert_refused(response, screening, "Consent document version 2.0-draft was not approved on")


def test_enrollment_refused_when_target_reached(coordinator_client, site_a, eligible_screening):
    ParticipantFactory(screening__site=site_a)
    StudySettings.objects.update_or_create(pk=1, defaults={"target_enrollment": 1})
    response = _post_enroll(coordinator_client, eligible_screening)
    _assert_refused(response, eligible_screening, "The enrollment target of 1 participants is reached")
    assert Participant.objects.count() == 1


def test_enrollment_allowed_again_when_a_data_manager_raised_the_target(coordinator_client, site_a,
                                                                        eligible_screening):
    ParticipantFactory(screening__site=site_a)
    StudySettings.objects.update_or_create(pk=1, defaults={"target_enrollment": 2})
    assert _post_enroll(coordinator_client, eligible_screening).status_code == 302
    assert Participant.objects.count() == 2


def test_enrollment_refused_when_consent_dated_in_the_future(coordinator_client, site_a):
    screening = ScreeningFactory(site=site_a)
    ConsentFactory(screening=screening, signed_on=days_ago(-3))
    response = _post_enroll(coordinator_client, screening)
    _assert_refused(response, screening, f"The date of consent ({read(days_ago(-3))}) is in the future.")


def test_enrollment_refused_when_age_out_of_range(coordinator_client, site_a):
    screening = ScreeningFactory(site=site_a, age_years=64)
    ConsentFactory(screening=screening)
    response = _post_enroll(coordinator_client, screening)
    _assert_refused(response, screening, "Age 64 is outside the protocol range 18-59 years.")


def test_enrollment_refused_when_dated_before_consent(coordinator_client, eligible_screening):
    response = _post_enroll(coordinator_client, eligible_screening, enrolled_on=days_ago(25).isoformat())
    _assert_refused(response, eligible_screening, "The enrollment date")
    assert "is before the date of consent" in response.content.decode()


def test_enrollment_refused_when_the_candidate_is_already_enrolled(coordinator, eligible_screening):
    first = services.enroll_participant(
        screening=eligible_screening, enrolled_on=days_ago(1), height_cm=170, weight_kg=70, user=coordinator
    )
    with pytest.raises(services.EnrollmentRefused, match="is Enrolled"):
        services.enroll_participant(
            screening=eligible_screening, enrolled_on=days_ago(1), height_cm=170, weight_kg=70, user=coordinator
        )
    assert list(Participant.objects.all()) == [first]


def test_enrollment_form_shows_field_errors_when_measurements_missing(coordinator_client, eligible_screening):
    response = _post_enroll(coordinator_client, eligible_screening, height_cm="", weight_kg="400")
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["height_cm"] == ["This field is required."]
    assert "less than or equal to 300" in form.errors["weight_kg"][0]
    assert not Participant.objects.exists()


def test_participant_ids_follow_the_site_sequence_when_enrolling(coordinator, site_a, site_b):
    ids = []
    for site in (site_a, site_a, site_b):
        screening = ScreeningFactory(site=site)
        ConsentFactory(screening=screening)
        participant = services.enroll_participant(
            screening=screening, enrolled_on=days_ago(1), height_cm=170, weight_kg=70, user=coordinator
        )
        ids.append(participant.participant_id)
    assert ids == ["01-001", "01-002", "02-001"]

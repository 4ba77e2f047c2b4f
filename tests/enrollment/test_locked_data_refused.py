"""Every enrollment write refuses locked data with the lock's message (a form message, never a 500): status changes,
screen failures, consent, enrollment and the screening edit of a locked participant or of a frozen study; with the
friendly check out of the way, the database's lock trigger still refuses the write."""

import pytest
from django.urls import reverse

from enrollment import services
from enrollment.models import Consent, Participant, ScreeningRecord, StatusChange
from integrity import locking
from integrity.models import LockScope
from tests.enrollment.conftest import days_ago, edit_data, enroll_data
from tests.factories.enrollment import ScreeningFactory


@pytest.fixture
def locked(participant_a, data_manager):
    locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant_a, reason="SDV done")
    return participant_a


@pytest.fixture
def freeze(data_manager):
    """Freeze the study (call it once the test's data is made: nothing can be written after)."""
    return lambda: locking.lock(user=data_manager, scope=LockScope.STUDY, reason="Database lock")


def test_a_status_change_of_a_locked_participant_is_refused(locked, coordinator):
    with pytest.raises(services.StatusChangeRefused, match=f"Participant {locked.participant_id} is locked"):
        services.change_status(participant=locked, to_status="on_treatment", on=days_ago(1), user=coordinator)

    assert Participant.objects.get(pk=locked.pk).status == "enrolled"
    assert not StatusChange.objects.filter(participant=locked).exists()


def test_taking_a_locked_participant_off_study_is_refused(locked, coordinator):
    with pytest.raises(services.StatusChangeRefused, match="is locked"):
        services.take_off_study(participant=locked, on=days_ago(1), reason_code="completed", user=coordinator)

    assert Participant.objects.get(pk=locked.pk).status == "enrolled"


def test_the_status_form_of_a_locked_participant_shows_the_lock_not_a_500(locked, coordinator_client):
    response = coordinator_client.post(
        reverse("enrollment:participant-status", args=[locked.pk]),
        {"to_status": "on_treatment", "changed_on": days_ago(1).isoformat(), "reason": ""},
    )

    assert response.status_code == 400
    assert "is locked" in str(response.context["form"].non_field_errors())
    assert Participant.objects.get(pk=locked.pk).status == "enrolled"


def test_a_screen_failure_is_refused_while_the_study_is_frozen(freeze, site_a, coordinator):
    screening = ScreeningFactory(site=site_a)
    freeze()

    with pytest.raises(services.ScreeningRefused, match="The study database is frozen"):
        services.screen_fail(screening=screening, reason="Ph positive", user=coordinator)

    assert ScreeningRecord.objects.get(pk=screening.pk).status == "screening"


def test_a_screen_failure_of_a_locked_participants_screening_says_it_is_locked(locked, coordinator):
    with pytest.raises(services.ScreeningRefused, match="is locked"):
        services.screen_fail(screening=locked.screening, reason="Ph positive", user=coordinator)


def test_consent_for_a_locked_participant_is_refused(locked, coordinator):
    consents = Consent.objects.filter(screening=locked.screening).count()

    with pytest.raises(services.ConsentRefused, match=f"Participant {locked.participant_id} is locked"):
        services.record_consent(
            screening=locked.screening,
            document_version="1.1",
            signed_on=days_ago(1),
            obtained_by="Dr B",
            user=coordinator,
        )

    assert Consent.objects.filter(screening=locked.screening).count() == consents


def test_consent_is_refused_while_the_study_is_frozen(freeze, site_a, coordinator, coordinator_client):
    screening = ScreeningFactory(site=site_a, screened_on=days_ago(5))
    freeze()

    response = coordinator_client.post(
        reverse("enrollment:consent-add", args=[screening.pk]),
        {
            "document_version": "1.1",
            "signed_on": days_ago(4).isoformat(),
            "obtained_by": "Dr B",
            "submission_token": "6f1c2a4e-1111-4a5b-9c3d-2e7f8a9b0c1d",
        },
    )

    assert response.status_code == 400
    assert "frozen" in str(response.context["form"].non_field_errors())
    assert not Consent.objects.filter(screening=screening).exists()


def test_enrollment_is_refused_while_the_study_is_frozen(freeze, eligible_screening, coordinator, coordinator_client):
    freeze()
    response = coordinator_client.post(
        reverse("enrollment:participant-enroll", args=[eligible_screening.pk]), enroll_data()
    )

    assert response.status_code == 400
    assert "frozen" in str(response.context["form"].non_field_errors())
    assert not Participant.objects.filter(screening=eligible_screening).exists()
    with pytest.raises(services.EnrollmentRefused, match="frozen"):
        services.enroll_participant(
            screening=eligible_screening, enrolled_on=days_ago(1), height_cm=172, weight_kg=68, user=coordinator
        )


def test_the_screening_edit_of_a_locked_participant_is_refused(locked, coordinator_client):
    screening = locked.screening
    response = coordinator_client.post(
        reverse("enrollment:screening-edit", args=[screening.pk]), edit_data(screening, initials="ZZ")
    )

    assert response.status_code == 403
    assert "is locked" in str(response.context["form"].non_field_errors())
    assert ScreeningRecord.objects.get(pk=screening.pk).initials == screening.initials


def test_the_database_refuses_what_the_friendly_check_lets_through(locked, coordinator, monkeypatch):
    """A lock the service's check does not see (made after it looked, say) is refused by the trigger, and the
    service still answers with its own refusal and the lock's words."""
    monkeypatch.setattr(locking, "edit_blocked_reason", lambda instance: None)
    monkeypatch.setattr(locking, "create_blocked_reason", lambda instance: None)

    with pytest.raises(services.StatusChangeRefused, match=f"Participant {locked.participant_id} is locked"):
        services.change_status(participant=locked, to_status="on_treatment", on=days_ago(1), user=coordinator)
    with pytest.raises(services.ConsentRefused, match="is locked"):
        services.record_consent(
            screening=locked.screening,
            document_version="1.1",
            signed_on=days_ago(1),
            obtained_by="Dr B",
            user=coordinator,
        )

    assert Participant.objects.get(pk=locked.pk).status == "enrolled"


def test_a_new_candidate_can_be_screened_again_after_the_freeze_is_lifted(freeze, site_a, coordinator, data_manager):
    frozen = freeze()
    args = {
        "site": site_a,
        "screened_on": days_ago(1),
        "initials": "QQ",
        "sex": "F",
        "criteria": {},
        "user": coordinator,
        "age_years": 40,
    }
    with pytest.raises(services.ScreeningRefused, match="frozen"):
        services.screen_candidate(**args)

    locking.unlock(frozen, user=data_manager, reason="Freeze lifted after the interim analysis")

    assert services.screen_candidate(**args).initials == "QQ"

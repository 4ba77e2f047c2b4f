"""Status changes through the real view: only lifecycle transitions, dated, off study with a protocol reason."""

import pytest
from django.urls import reverse

from enrollment import services
from enrollment.models import StatusChange
from tests.enrollment.conftest import days_ago

pytestmark = pytest.mark.django_db


def _post(client, participant, **data):
    return client.post(reverse("enrollment:participant-status", args=[participant.pk]), data)


def test_status_change_refused_when_follow_up_comes_before_treatment(coordinator_client, participant_a):
    response = _post(coordinator_client, participant_a, to_status="follow_up", changed_on=days_ago(0).isoformat())
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["form"].errors["to_status"][0]
    participant_a.refresh_from_db()
    assert participant_a.status == "enrolled" and not StatusChange.objects.exists()


def test_status_change_recorded_when_the_transition_is_allowed(coordinator_client, participant_a):
    response = _post(coordinator_client, participant_a, to_status="on_treatment", changed_on=days_ago(0).isoformat(),
                     reason="C1D1")
    assert response.status_code == 302
    participant_a.refresh_from_db()
    assert (participant_a.status, participant_a.status_on) == ("on_treatment", days_ago(0))
    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.reason) == ("enrolled", "on_treatment", "C1D1")


def test_off_study_requires_a_protocol_reason_when_chosen(coordinator_client, participant_a):
    response = _post(coordinator_client, participant_a, to_status="off_study", changed_on=days_ago(0).isoformat())
    assert response.status_code == 400
    assert response.context["form"].errors["off_study_reason"] == ["Choose the reason the participant goes off study."]
    response = _post(coordinator_client, participant_a, to_status="off_study", changed_on=days_ago(0).isoformat(),
                     off_study_reason="consent_withdrawn")
    assert response.status_code == 302
    participant_a.refresh_from_db()
    assert (participant_a.status, participant_a.off_study_reason) == ("off_study", "consent_withdrawn")


def test_status_change_refused_when_dated_in_the_future_or_before_the_current_status(coordinator_client,
                                                                                   participant_a):
    response = _post(coordinator_client, participant_a, to_status="on_treatment", changed_on=days_ago(-1).isoformat())
    assert "is in the future" in response.context["form"].errors["changed_on"][0]
    early = participant_a.status_on.toordinal() - 1
    response = _post(coordinator_client, participant_a, to_status="on_treatment",
                     changed_on=participant_a.status_on.fromordinal(early).isoformat())
    assert "before the current status date" in response.context["form"].errors["changed_on"][0]
    assert not StatusChange.objects.exists()


def test_take_off_study_refuses_an_unknown_reason_code(coordinator, participant_a):
    with pytest.raises(services.StatusChangeRefused, match="is not an off-study reason"):
        services.take_off_study(participant=participant_a, on=days_ago(0), reason_code="bored", user=coordinator)
    participant_a.refresh_from_db()
    assert participant_a.status == "enrolled"

"""Acceptance 6: the demo trial enrolls its participants through the same services as the views."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from enrollment import demo, services
from enrollment.models import Consent, Participant, ScreeningRecord, StatusChange
from enrollment.protocol import ENROLLMENT_PROTOCOL

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_apps(monkeypatch):
    """Record the calls to the cycles and assessments demo hooks (written by other apps)."""
    calls = []

    def add_demo_treatment(participant, *, rng, user):
        calls.append(("treatment", participant.participant_id, user.username))
        return {"c1d1": participant.enrolled_on + datetime.timedelta(days=2), "c2d1": None, "hsct": None}

    def add_demo_assessments(participant, *, rng, user, treatment):
        calls.append(("assessments", participant.participant_id, treatment["c1d1"]))

    hooks = {"cycles.demo.add_demo_treatment": add_demo_treatment,
             "assessments.demo.add_demo_assessments": add_demo_assessments}
    monkeypatch.setattr(demo, "_optional", hooks.get)
    return calls


def test_demo_enrolls_17_participants_through_the_services_when_run(other_apps, monkeypatch):
    spies = {name: _spy(monkeypatch, name) for name in ("screen_candidate", "record_consent", "enroll_participant")}
    result = demo.create_demo_trial()
    # A screen failure before every 5th participant: before the 5th, 10th and 15th of 17.
    assert result == {"existing": 0, "created": 17, "screen_failures": 3, "waiting": 0}
    assert [len(spies[n]) for n in ("screen_candidate", "record_consent", "enroll_participant")] == [20, 17, 17]
    participants = Participant.objects.all()
    assert participants.count() == 17
    assert set(participants.values_list("site__code", flat=True)) == {"01", "02"}
    assert StatusChange.objects.filter(to_status="enrolled").count() == 17
    assert Consent.objects.count() == 17
    assert ScreeningRecord.objects.filter(status="screen_failed").exclude(screen_fail_reason="").count() == 3
    assert len([c for c in other_apps if c[0] == "assessments"]) == 17


def test_demo_waiting_candidates_are_screened_and_consented_through_the_services(other_apps, monkeypatch):
    spies = {name: _spy(monkeypatch, name) for name in ("screen_candidate", "record_consent", "enroll_participant")}
    result = demo.create_demo_trial(participants=3, waiting=2)
    assert result == {"existing": 0, "created": 3, "screen_failures": 0, "waiting": 2}
    assert [len(spies[n]) for n in ("screen_candidate", "record_consent", "enroll_participant")] == [5, 5, 3]


def test_demo_values_are_realistic_when_created(other_apps):
    demo.create_demo_trial(participants=20)
    today = datetime.date.today()
    for p in Participant.objects.select_related("screening"):
        assert 18 <= p.screening.age_at_screening <= 59
        assert 140 <= p.height_cm <= 200 and 35 <= p.weight_kg <= 130
        assert today - datetime.timedelta(days=740) <= p.screening.screened_on <= p.enrolled_on <= today
    enrolled = sorted(Participant.objects.values_list("enrolled_on", flat=True))
    assert (enrolled[-1] - enrolled[0]).days > 500  # spread over about two years
    assert all(s.eligibility.eligible for s in ScreeningRecord.objects.filter(status="enrolled"))
    versions = set(Consent.objects.values_list("document_version", flat=True))
    assert versions <= set(ENROLLMENT_PROTOCOL.approved_consent_versions())


def test_demo_is_idempotent_when_run_twice(other_apps):
    demo.create_demo_trial(participants=5)
    assert demo.create_demo_trial(participants=5) == {"existing": 5, "created": 0, "screen_failures": 0, "waiting": 0}
    assert Participant.objects.count() == 5
    demo.create_demo_trial(participants=7)
    assert sorted(Participant.objects.values_list("participant_id", flat=True))[:1] == ["01-001"]
    assert Participant.objects.count() == 7


def test_demo_command_takes_the_number_of_participants(other_apps, settings):
    settings.DEMO_ALLOWED = True
    call_command("demo", participants=3, verbosity=0)
    assert Participant.objects.count() == 3
    settings.DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="refused"):
        call_command("demo", participants=3)


def _spy(monkeypatch, name: str) -> list:
    calls, real = [], getattr(services, name)

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, name, spy)
    return calls

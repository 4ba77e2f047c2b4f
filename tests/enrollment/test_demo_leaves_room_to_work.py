"""The demo `make run` serves leaves room to work: 17 of the 20 places enrolled and two eligible, consented
candidates waiting, one at each coordinator's site, listed on that coordinator's home page as ready to enroll."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from enrollment import demo
from enrollment.models import Consent, Participant, ScreeningRecord, StudySettings
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_run(monkeypatch, settings):
    """`manage.py demo` as `make run` calls it, without the other apps' clinical data (a faster trial)."""
    settings.DEMO_ALLOWED = True
    monkeypatch.setattr(demo, "_optional", lambda path: None)
    call_command("demo", verbosity=0)


def _waiting() -> list[ScreeningRecord]:
    return list(ScreeningRecord.objects.filter(status="screening").order_by("site__code"))


def _home_of(username: str) -> str:
    client = force_verified_login(Client(), get_user_model().objects.get(username=username))
    return client.get(reverse("home")).content.decode()


def test_demo_enrolls_17_of_20_and_leaves_two_consented_eligible_candidates(demo_run):
    assert Participant.objects.count() == 17
    assert StudySettings.current().target_enrollment == 20
    waiting = _waiting()
    assert [s.site.code for s in waiting] == ["01", "02"]
    today = datetime.date.today()
    for screening in waiting:
        assert screening.eligibility.eligible
        consent = Consent.objects.get(screening=screening)
        assert consent.signed_on == today - datetime.timedelta(days=1)
        assert screening.screened_on <= consent.signed_on


def test_each_coordinator_home_page_lists_the_candidate_of_their_site_as_ready_to_enroll(demo_run):
    site1, site2 = _waiting()
    home = _home_of("coordinator")
    assert "Candidates ready to enroll" in home
    assert reverse("enrollment:participant-enroll", args=[site1.pk]) in home
    assert f"{site1.screening_number} · {site1.initials} · ready to enroll" in home
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    assert f"consented {yesterday.day} {yesterday:%b %Y}<" in home  # 1 Dec 2026, not 01 Dec (issue 17)
    assert reverse("enrollment:participant-enroll", args=[site2.pk]) not in home
    assert reverse("enrollment:participant-enroll", args=[site2.pk]) in _home_of("coordinator2")


def test_a_waiting_candidate_can_be_enrolled_into_a_free_place(demo_run):
    screening = _waiting()[0]
    client = force_verified_login(Client(), get_user_model().objects.get(username="coordinator"))
    response = client.post(reverse("enrollment:participant-enroll", args=[screening.pk]), {
        "enrolled_on": datetime.date.today().isoformat(), "height_cm": "170.0", "weight_kg": "70.0",
    })
    assert response.status_code == 302
    assert Participant.objects.count() == 18
    assert screening.pk not in {s.pk for s in _waiting()}
    assert f"{screening.screening_number}" not in _home_of("coordinator")


def test_running_the_demo_again_adds_nothing(demo_run):
    counts = (Participant.objects.count(), ScreeningRecord.objects.count(), Consent.objects.count())
    call_command("demo", verbosity=0)
    assert (Participant.objects.count(), ScreeningRecord.objects.count(), Consent.objects.count()) == counts
    assert counts == (17, 17 + 3 + 2, 17 + 2)  # 3 screen failures: candidates 5, 10 and 15 of 17

"""Two coordinators enrolling the last place at the same moment: the lock lets exactly one through."""

import threading

import pytest
from django.db import connection

from enrollment import services
from enrollment.models import Participant, StudySettings
from tests.enrollment.conftest import days_ago
from tests.factories.enrollment import ConsentFactory, ScreeningFactory


@pytest.mark.django_db(transaction=True)
def test_only_one_enrollment_succeeds_when_two_race_for_the_last_place(site_a, site_b, coordinator):
    StudySettings.objects.update_or_create(pk=1, defaults={"target_enrollment": 1})
    screenings = [ScreeningFactory(site=site) for site in (site_a, site_b)]
    for s in screenings:
        ConsentFactory(screening=s)
    barrier, outcomes = threading.Barrier(2), []

    def enroll(screening):
        try:
            barrier.wait()
            services.enroll_participant(
                screening=screening, enrolled_on=days_ago(1), height_cm=170, weight_kg=70, user=coordinator
            )
            outcomes.append("enrolled")
        except services.EnrollmentRefused as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=enroll, args=(s,)) for s in screenings]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(outcomes) == 2, outcomes
    refusals = [o for o in outcomes if o != "enrolled"]
    assert outcomes.count("enrolled") == 1, outcomes
    assert "target of 1 participants is reached" in refusals[0]
    assert Participant.objects.count() == 1

"""The full demo trial (all apps) leaves each participant in the status a coordinator would have recorded:
on treatment while cycles run, follow-up once cycle 2 is over, off study (death) at the recorded death."""

import pytest

from assessments.models import FollowUpContact, VitalStatus
from enrollment import demo, rules
from enrollment.models import Participant

pytestmark = pytest.mark.django_db


def test_demo_participants_move_to_follow_up_and_off_study_when_their_data_say_so():
    demo.create_demo_trial(participants=20)
    deaths = dict(
        FollowUpContact.objects.filter(vital_status=VitalStatus.DEAD, is_deleted=False)
        .values_list("participant_id", "death_date")
    )
    participants = list(Participant.objects.all())
    statuses = {p.status for p in participants}
    assert rules.FOLLOW_UP in statuses and rules.ON_TREATMENT in statuses  # a trial in mid-course
    for p in participants:
        if p.pk in deaths:
            assert (p.status, p.off_study_reason, p.status_on) == (rules.OFF_STUDY, "death", deaths[p.pk])
        else:
            assert p.status in (rules.ON_TREATMENT, rules.FOLLOW_UP), p.participant_id
    assert deaths, "the demo trial has at least one death"

"""Acceptance 3: an SAE entered through the view appears on the SAE list with its 24-hour clock and its entry
notice goes out; with time moved past 24 hours (time-machine) it shows overdue and the overdue notice is sent
exactly once, however often the periodic task runs; a late report shows how late it was."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safety.models import AdverseEvent, SaeAlert
from safety.tasks import send_overdue_sae_notices
from tests.safety.conftest import ae_data

pytestmark = pytest.mark.django_db
SERIOUS = {
    "serious": "on",
    "sae_hospitalisation": "on",
    "worst_grade": "3",
    "outcome": "RECOVERING",
    "resolution_date": "",
    "ongoing": "on",
}


def _clock(client, ae) -> str:
    html = client.get(reverse("safety:sae-list")).content.decode()
    row = html.split(f'data-testid="sae-row-{ae.pk}"', 1)[1].split("</tr>", 1)[0]
    return row.split('data-status="', 1)[1].split('"', 1)[0]


@pytest.fixture
def clock_start():
    """A fixed 'now' (UTC) for the whole test, late enough in the day that the AE's dates are today's."""
    return datetime.datetime.combine(timezone.localdate(), datetime.time(14, 0), tzinfo=datetime.UTC)


def test_an_sae_shows_its_clock_and_the_overdue_notice_is_sent_exactly_once(
    participant, terms, coordinator, coordinator_client, django_capture_on_commit_callbacks, clock_start
):
    coordinator.email = "coordinator@site-a.example"
    coordinator.save()
    aware = clock_start - datetime.timedelta(hours=1)
    with time_machine.travel(clock_start, tick=False) as traveller:
        coordinator_client.force_login(coordinator)  # sessions expire after 30 idle minutes
        with django_capture_on_commit_callbacks(execute=True):
            response = coordinator_client.post(
                reverse("safety:ae-add", args=[participant.pk]),
                ae_data(
                    terms["sepsis"],
                    aware.date(),
                    aware_at=aware.strftime("%Y-%m-%dT%H:%M"),
                    **{**SERIOUS, "worst_grade": "4"},
                ),
            )
        assert response.status_code == 302, response.context["form"].errors
        ae = AdverseEvent.objects.get()
        assert [m.subject for m in mail.outbox] == [
            f"[BlinaTrial] New SAE {participant.participant_id} AE-1: Sepsis, grade 4"
        ]
        assert sorted(mail.outbox[0].to) == sorted(["coordinator@site-a.example", *settings.SAE_NOTIFICATION_EMAILS])
        onset = aware.date()
        assert f"Onset: {onset.day} {onset:%b %Y}\n" in mail.outbox[0].body  # a date as people read it (issue 17)
        assert _clock(coordinator_client, ae) == "due"
        assert "due in 23 h 0 min" in coordinator_client.get(reverse("safety:sae-list")).content.decode()
        assert send_overdue_sae_notices.delay().get() == 0  # not overdue yet

        traveller.shift(datetime.timedelta(hours=23, minutes=30))  # 24 h 30 min after awareness
        coordinator_client.force_login(coordinator)
        assert _clock(coordinator_client, ae) == "overdue"
        assert "overdue by 30 min" in coordinator_client.get(reverse("safety:sae-list")).content.decode()
        assert send_overdue_sae_notices.delay().get() == 1
        assert send_overdue_sae_notices.delay().get() == 0
        traveller.shift(datetime.timedelta(hours=5))
        assert send_overdue_sae_notices.delay().get() == 0

    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 2 and subjects[1].startswith(f"[BlinaTrial] OVERDUE SAE {participant.participant_id} AE-1")
    assert "overdue by 30 min" in mail.outbox[1].body
    alert = SaeAlert.objects.get(adverse_event=ae)
    assert alert.entry_sent_at == clock_start
    assert alert.overdue_sent_at == clock_start + datetime.timedelta(hours=23, minutes=30)


def test_a_report_sent_after_the_clock_ran_out_shows_how_late_it_was(
    participant, terms, coordinator, coordinator_client, clock_start
):
    aware = clock_start - datetime.timedelta(hours=30)
    data = ae_data(
        terms["sepsis"], aware.date(), aware_at=aware.strftime("%Y-%m-%dT%H:%M"), **{**SERIOUS, "worst_grade": "4"}
    )
    with time_machine.travel(clock_start, tick=False):
        coordinator_client.force_login(coordinator)
        coordinator_client.post(reverse("safety:ae-add", args=[participant.pk]), data)
        ae = AdverseEvent.objects.get()
        assert _clock(coordinator_client, ae) == "overdue"
        report = (aware + datetime.timedelta(hours=26)).strftime("%Y-%m-%dT%H:%M")
        response = coordinator_client.post(
            reverse("safety:ae-edit", args=[ae.pk]),
            {
                **data,
                "sae_initial_report_at": report,
                "row_version": ae.row_version,
                "change_reason": "Other",
                "change_reason_detail": "Initial SAE report sent",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        assert _clock(coordinator_client, ae) == "reported late"
        assert "2 h 0 min late" in coordinator_client.get(reverse("safety:sae-list")).content.decode()
        assert send_overdue_sae_notices.delay().get() == 0  # reported: no overdue notice


def test_the_overdue_notices_run_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "safety.tasks.send_overdue_sae_notices" in tasks

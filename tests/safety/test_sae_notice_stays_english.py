"""The SAE notice to the sponsor and the regulators is written in English, whatever the language of the person
who entered the event: a coordinator working in Simplified Chinese saves a serious AE, and the e-mail's subject
and body hold the English labels (seriousness criterion, grading scale, dates as '5 Mar 2026') and no Chinese."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from safety import notifications
from safety.models import AdverseEvent
from tests.i18n import chinese_client
from tests.safety.conftest import ae_data

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_an_sae_entered_in_chinese_is_notified_in_english(
    participant, terms, coordinator, django_capture_on_commit_callbacks
):
    coordinator.email = "coordinator@site-a.example"
    coordinator.save()
    client = chinese_client(coordinator)
    aware = timezone.now() - datetime.timedelta(hours=2)
    serious = {"serious": "on", "sae_hospitalisation": "on", "worst_grade": "4", "outcome": "RECOVERING",
               "resolution_date": "", "ongoing": "on", "aware_at": aware.strftime("%Y-%m-%dT%H:%M")}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("safety:ae-add", args=[participant.pk]), ae_data(terms["sepsis"], aware.date(), **serious)
        )
    assert response.status_code == 302, response.context["form"].errors
    ae = AdverseEvent.objects.get()
    assert "已保存" in client.get(response["Location"]).content.decode()  # the person reads Chinese
    [notice] = mail.outbox
    assert notice.subject == f"[BlinaTrial] New SAE {participant.participant_id} {ae.reference}: Sepsis, grade 4"
    assert "A serious adverse event was entered." in notice.body
    assert "Seriousness: Requires or prolongs hospitalisation\n" in notice.body
    assert "(CTCAE v5.0)" in notice.body
    onset = aware.date()
    assert f"Onset: {onset.day} {onset:%b %Y}\n" in notice.body
    assert not CJK.search(notice.subject + notice.body), notice.body


def test_the_notice_text_is_english_even_built_inside_a_chinese_request(participant, terms):
    from tests.factories.safety import AdverseEventFactory

    ae = AdverseEventFactory(
        participant=participant, term=terms["sepsis"], worst_grade=4, serious=True, sae_life_threatening=True,
        sae_hospitalisation=True,
    )
    now = ae.aware_at + datetime.timedelta(hours=30)
    with translation.override("zh-hans"):
        assert translation.gettext("Results in death") == "导致死亡"  # the catalogue is there
        subject, body = notifications._message(ae, notifications.OVERDUE, now)
        assert translation.get_language() == "zh-hans"  # and the language is given back
    assert subject.startswith(f"[BlinaTrial] OVERDUE SAE {participant.participant_id}")
    assert "overdue by 6 h 0 min" in body
    assert "Seriousness: Life-threatening, Requires or prolongs hospitalisation\n" in body
    assert not CJK.search(subject + body), body


def test_an_edit_checks_message_made_in_a_chinese_request_is_english(participant, terms):
    """The same rule for the text the system stores: an automatic query's message (safety.checks)."""
    from safety import checks
    from tests.factories.safety import AdverseEventFactory

    ae = AdverseEventFactory(participant=participant, term=terms["sepsis"], worst_grade=5, outcome="FATAL")
    with translation.override("zh-hans"):
        message = checks.grade5_without_death(ae, {"participant": participant})
    day = ae.resolution_date
    assert f"ends on {day.day} {day:%b %Y}, but no follow-up contact records a death" in message
    assert not CJK.search(message), message

"""SAE notifications by e-mail (Django's mail machinery; the console backend in the demo).

Each notice is sent once: the sender claims it by a conditional UPDATE of its empty time stamp on the SAE's
SaeAlert row (the healthchecks way: "claim, then act") and sends only if that UPDATE changed one row, in the
same transaction, so a failed send leaves the notice unclaimed for the next run and two workers never both send.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from blinatrial.access import COORDINATOR, DATA_MANAGER, INVESTIGATOR
from blinatrial.dates import shown_date, shown_utc
from integrity.audit_context import own_context
from safety.models import AdverseEvent, SaeAlert
from safety.protocol import SAFETY_PROTOCOL

ENTRY, OVERDUE = "entry_sent_at", "overdue_sent_at"


def due_at(aware_at: datetime | None) -> datetime | None:
    """When the initial report of an SAE is due: the site's awareness + the protocol's reporting hours."""
    return None if aware_at is None else aware_at + timedelta(hours=SAFETY_PROTOCOL.sae_report_hours)


def recipients(ae: AdverseEvent) -> list[str]:
    """The site's coordinators and investigators, the all-sites data managers, and SAE_NOTIFICATION_EMAILS."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    site_staff = Q(trial_sites=ae.participant.site_id, groups__name__in=[COORDINATOR, INVESTIGATOR])
    data_managers = Q(groups__name=DATA_MANAGER, staff_profile__all_sites=True)
    emails = set(users.filter(site_staff | data_managers).values_list("email", flat=True))
    return sorted(emails | set(settings.SAE_NOTIFICATION_EMAILS))


def _message(ae: AdverseEvent, kind: str, now: datetime) -> tuple[str, str]:
    """The notice to the sponsor and regulators: always in English, whatever language the request that saved the
    SAE was in (labels, dates and the grading scale's name are rendered under en-gb)."""
    with translation.override("en-gb"):
        return _english_message(ae, kind, now)


def _english_message(ae: AdverseEvent, kind: str, now: datetime) -> tuple[str, str]:
    due = due_at(ae.aware_at)
    what = f"SAE {ae.participant.participant_id} {ae.reference}: {ae.display_term}, grade {ae.worst_grade}"
    if kind == OVERDUE:
        late = now - due
        subject = f"[BlinaTrial] OVERDUE {what}"
        head = f"The initial report of this serious adverse event is overdue by {format_duration(late)}."
    else:
        subject = f"[BlinaTrial] New {what}"
        head = "A serious adverse event was entered."
    body = "\n".join(
        [
            head,
            "",
            f"Participant: {ae.participant.participant_id} (site {ae.participant.site.code})",
            f"Event: {ae.display_term}, grade {ae.worst_grade} ({ae.get_grading_scale_display()})",
            f"Onset: {shown_date(ae.onset_date)}",
            f"Seriousness: {', '.join(str(c) for c in ae.seriousness_criteria) or 'no criterion entered'}",
            f"Site aware: {shown_utc(ae.aware_at)}; initial report due {shown_utc(due)}",
            f"Record: {settings.SITE_URL}{reverse('safety:ae-detail', args=[ae.pk])}",
        ]
    )
    return subject, body


def format_duration(delta: timedelta) -> str:
    """'2 d 3 h', '5 h 20 min', '12 min' (whole minutes, rounded down)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _send_once(ae: AdverseEvent, kind: str, now: datetime) -> bool:
    """Claim the notice (conditional UPDATE) and send it; False when another run sent it already."""
    alert, _ = SaeAlert.objects.get_or_create(adverse_event=ae)
    with transaction.atomic(), own_context(reason=f"SAE notification sent ({kind.split('_')[0]})"):
        claimed = SaeAlert.objects.filter(pk=alert.pk, **{f"{kind}__isnull": True}).update(**{kind: now})
        if claimed != 1:
            return False  # another run got there first
        subject, body = _message(ae, kind, now)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients(ae))
    return True


def _live_serious():
    return AdverseEvent.objects.live().filter(serious=True).select_related("participant__site", "term")


def send_entry_notice(ae_id: int) -> bool:
    ae = _live_serious().filter(pk=ae_id).first()
    return ae is not None and _send_once(ae, ENTRY, timezone.now())


def send_overdue_notices() -> int:
    """Every live SAE not reported within its clock gets one overdue notice; returns how many were sent."""
    now = timezone.now()
    cutoff = now - timedelta(hours=SAFETY_PROTOCOL.sae_report_hours)
    overdue = (
        _live_serious()
        .filter(aware_at__lt=cutoff, sae_initial_report_at__isnull=True)
        .exclude(sae_alert__overdue_sent_at__isnull=False)
    )
    return sum(_send_once(ae, OVERDUE, now) for ae in overdue)

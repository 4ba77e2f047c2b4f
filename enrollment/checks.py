"""Reusable date checks for every clinical form (cycles, assessments, safety)."""

from datetime import date

from django.utils import timezone

from enrollment import rules
from enrollment.models import Consent, Participant


def consent_date(participant: Participant) -> date | None:
    """Date of the earliest live consent on file for the participant's screening record."""
    return (
        Consent.objects.filter(screening_id=participant.screening_id, is_deleted=False)
        .order_by("signed_on")
        .values_list("signed_on", flat=True)
        .first()
    )


def clinical_date_problems(
    participant: Participant, value: date | None, label: str = "This date", *, consent_on: date | None = None
) -> list[str]:
    """Problems with a clinical date: before consent, or in the future. Empty when fine.

    Pass `consent_on` when the caller already has it, to save the query.
    """
    if value is None:
        return []
    consent_on = consent_on if consent_on is not None else consent_date(participant)
    problems = [
        rules.date_before_consent_problem(value, consent_on, label),
        rules.future_date_problem(value, timezone.localdate(), label),
    ]
    return [p for p in problems if p]


def enrolled_problem(participant: Participant) -> str | None:
    """Clinical data can be recorded only for an enrolled (not screen-failed, not removed) participant."""
    if participant.is_deleted:
        return "This participant record was removed."
    return None

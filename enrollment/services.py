"""Enrollment writes that touch several models: status changes (and, later, screening and enrollment)."""

from datetime import date

import pghistory
from django.db import transaction

from enrollment import rules
from enrollment.models import Participant, StatusChange


class StatusChangeRefused(ValueError):
    """The lifecycle does not allow this transition (the message says why)."""


@transaction.atomic
def change_status(*, participant: Participant, to_status: str, on: date, reason: str = "", user=None) -> Participant:
    """Move a participant along the lifecycle (rules.TRANSITIONS), recording date and reason.

    Used by the enrollment views and by other apps (the first recorded dose moves an enrolled
    participant to "on treatment"). Refuses a transition the lifecycle does not allow.
    """
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    if (problem := rules.transition_problem(current.status, to_status)) is not None:
        raise StatusChangeRefused(problem)
    context_user = getattr(user, "pk", None)
    with pghistory.context(reason=reason or f"Status: {current.status} -> {to_status}", user=context_user):
        StatusChange.objects.create(
            participant=current,
            from_status=current.status,
            to_status=to_status,
            changed_on=on,
            reason=reason,
            created_by=user,
            updated_by=user,
        )
        Participant.objects.filter(pk=current.pk).update(
            status=to_status,
            status_on=on,
            off_study_reason=reason if to_status == rules.OFF_STUDY else current.off_study_reason,
            row_version=current.row_version + 1,
            updated_by=user,
        )
    current.refresh_from_db()
    participant.status, participant.status_on, participant.row_version = (
        current.status,
        current.status_on,
        current.row_version,
    )
    return current

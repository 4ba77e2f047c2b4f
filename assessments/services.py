"""Reads the forms need, and the demo/import write path (bind the real form, save through integrity)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from assessments.models import BoneMarrowAssessment, FollowUpContact
from enrollment.alive import latest_alive_dates
from integrity import services as integrity_services


class RecordRefused(ValueError):
    """The form refused the data: ``errors`` holds the field messages."""

    def __init__(self, errors: dict):
        super().__init__(f"refused: {dict(errors)}")
        self.errors = errors


def live_eoc_marrow(participant, timepoint: str, *, exclude_pk: int | None = None) -> BoneMarrowAssessment | None:
    """The live end-of-cycle marrow of this participant and timepoint, if any."""
    qs = BoneMarrowAssessment.objects.live().filter(participant=participant, timepoint=timepoint)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("id").first()


def last_alive_date(participant, *, exclude_contact_pk: int | None = None) -> date | None:
    """Latest date of a record that shows the participant alive (enrollment.alive, the one definition: doses,
    infusion segments, visits, transplant, non-death status changes, marrows, CBCs, EMD, 'alive' contacts),
    leaving out the contact being edited. One query."""
    exclude = {FollowUpContact._meta.label: exclude_contact_pk} if exclude_contact_pk is not None else None
    return latest_alive_dates([participant.pk], exclude=exclude).get(participant.pk)


@transaction.atomic
def record_assessment(*, form_class, data: dict, user, instance=None, reason: str = "", **form_kwargs):
    """Validate ``data`` with the real form and save it through integrity.services.save_record.

    The one non-view write path (demo data, imports): the same validation as the browser.
    """
    payload = {key: _as_post(value) for key, value in data.items() if value is not None}
    if instance is not None:
        payload.setdefault("row_version", instance.row_version)
        payload.setdefault("change_reason", "Other")
        payload.setdefault("change_reason_detail", reason or "Correction")
    form = form_class(payload, instance=instance, **form_kwargs)
    if not form.is_valid():
        raise RecordRefused(form.errors)
    return integrity_services.save_record(
        form, user=user, reason=form.reason, expected_version=form.cleaned_data.get("row_version")
    )


def _as_post(value) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)

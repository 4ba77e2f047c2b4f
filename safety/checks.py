"""The safety edit checks (integrity.edit_checks registry): each raises and closes its own data query.

- AE_ASTCT_DIFF: an ASTCT-graded AE (CRS, ICANS) whose investigator grade differs from the worst grade
  computed from its CRS/ICANS sheets (safety.rules through safety.derived).
- AE_G5_NO_DEATH / DEATH_NO_G5: a grade 5 AE needs a death on a follow-up contact with the same date (the AE's
  resolution date is the date of death), and a death needs a grade 5 AE dated that day (unless its cause is one
  the protocol does not report as an AE: leukaemia progression by default, a setting).
- SAE_NO_CRITERION: a serious AE needs at least one seriousness criterion (the form refuses it; this catches
  other write paths).
"""

from __future__ import annotations

import functools

from django.utils import translation

from assessments.models import FollowUpContact, VitalStatus
from blinatrial.dates import shown_date
from integrity.edit_checks import register
from safety import derived
from safety.models import SERIOUSNESS_CRITERIA, AdverseEvent
from safety.protocol import SAFETY_PROTOCOL

SHEETS = ("safety.CrsAssessment", "safety.IcansAssessment")


def in_english(check):
    """A query's message is stored: written in English (dates as '5 Mar 2026'), whatever language the request
    that saved the record was in."""

    @functools.wraps(check)
    def english(record, cache: dict) -> str | None:
        with translation.override("en-gb"):
            return check(record, cache)

    return english


def _safety(cache: dict) -> derived.ParticipantSafety:
    if "safety" not in cache:
        cache["safety"] = derived.derive_for_participant(cache["participant"])
    return cache["safety"]


def _death_dates(cache: dict) -> set:
    if "death_dates" not in cache:
        cache["death_dates"] = set(
            FollowUpContact.objects.live()
            .filter(participant=cache["participant"], vital_status=VitalStatus.DEAD, death_date__isnull=False)
            .values_list("death_date", flat=True)
        )
    return cache["death_dates"]


def _grade5_dates(cache: dict) -> set:
    if "grade5_dates" not in cache:
        cache["grade5_dates"] = set(
            AdverseEvent.objects.live()
            .filter(participant=cache["participant"], worst_grade=5)
            .values_list("resolution_date", flat=True)
        )
    return cache["grade5_dates"]


@register("AE_ASTCT_DIFF", model="safety.AdverseEvent", field="worst_grade", reads=SHEETS)
@in_english
def astct_grade_differs(ae: AdverseEvent, cache: dict) -> str | None:
    """The investigator's CRS/ICANS grade differs from the ASTCT grade computed from the sheets."""
    row = next((r for r in _safety(cache).aes if r.ae.pk == ae.pk), None)
    if row is None or not row.disagreement:
        return None
    return (
        f"The investigator's grade ({ae.worst_grade}) differs from the ASTCT 2019 grade computed from the "
        f"{ae.display_term} assessments ({row.computed_grade}). Please check the assessments or the grade."
    )


DEATH_FIELDS = ("vital_status", "death_date")  # what _death_dates reads of a follow-up contact
GRADE5_FIELDS = ("worst_grade", "resolution_date")  # what _grade5_dates reads of an adverse event


@register(
    "AE_G5_NO_DEATH",
    model="safety.AdverseEvent",
    field="resolution_date",
    reads=tuple(f"assessments.FollowUpContact.{name}" for name in DEATH_FIELDS),
    inputs=GRADE5_FIELDS,
    row_local=True,
)
@in_english
def grade5_without_death(ae: AdverseEvent, cache: dict) -> str | None:
    """A grade 5 AE needs a death record (follow-up contact) with the same date."""
    if ae.worst_grade != 5:
        return None
    if ae.resolution_date is not None and ae.resolution_date in _death_dates(cache):
        return None
    when = shown_date(ae.resolution_date) if ae.resolution_date else "no date"
    return (
        f"This grade 5 (fatal) adverse event ends on {when}, but no follow-up contact records a death on that "
        "date. Record the death on a follow-up contact, or correct the grade or the date."
    )


@register(
    "DEATH_NO_G5",
    model="assessments.FollowUpContact",
    field="death_date",
    reads=tuple(f"safety.AdverseEvent.{name}" for name in GRADE5_FIELDS),
    inputs=(*DEATH_FIELDS, "death_cause"),
    row_local=True,
)
@in_english
def death_without_grade5(contact: FollowUpContact, cache: dict) -> str | None:
    """A death needs a grade 5 adverse event ending on the date of death (except a death the protocol does not
    report as an AE: by default one due to the leukaemia itself)."""
    if contact.vital_status != VitalStatus.DEAD or contact.death_date is None:
        return None
    if contact.death_cause in SAFETY_PROTOCOL.deaths_not_reported_as_ae:
        return None
    if contact.death_date in _grade5_dates(cache):
        return None
    return (
        f"A death on {shown_date(contact.death_date)} is recorded, but no grade 5 adverse event ends on that date. "
        "Record the fatal adverse event (grade 5, resolution date = date of death), or correct the date."
    )


@register("SAE_NO_CRITERION", model="safety.AdverseEvent", field="serious", row_local=True)
@in_english
def serious_without_criterion(ae: AdverseEvent, cache: dict) -> str | None:
    """A serious AE needs at least one seriousness criterion."""
    if ae.serious and not any(getattr(ae, name) for name, _ in SERIOUSNESS_CRITERIA):
        return "This adverse event is serious but no seriousness criterion is ticked."
    return None

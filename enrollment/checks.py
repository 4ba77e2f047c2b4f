"""Reusable date checks for every clinical form (cycles, assessments, safety)."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_noop

from enrollment import rules
from enrollment.models import Consent, Participant, ScreeningRecord, first_consent_on


def consent_date(participant: Participant) -> date | None:
    """Date of the earliest live consent on file for the participant's screening record."""
    return (
        Consent.objects.filter(screening_id=participant.screening_id, is_deleted=False)
        .order_by("signed_on")
        .values_list("signed_on", flat=True)
        .first()
    )


@dataclass(frozen=True)
class ScreeningFacts:
    """What a clinical form checks of the participant's screening: its status, its date, the first consent."""

    status: str | None
    screened_on: date | None
    consent_on: date | None


def screening_facts(participant: Participant) -> ScreeningFacts:
    """The screening record's status and date and its earliest live consent's date, read now in one query (a
    caller's participant.screening may predate the enrollment that updated it)."""
    row = (
        ScreeningRecord.objects.filter(pk=participant.screening_id)
        .annotate(consent_on=first_consent_on())
        .values("status", "screened_on", "consent_on")
        .first()
    )
    return ScreeningFacts(**row) if row else ScreeningFacts(None, None, None)


def trial_dates(
    participant: Participant, *, c1d1: date | None = None, consent_on: date | None = None,
    facts: ScreeningFacts | None = None,
) -> rules.TrialDates:
    """The participant's screening, consent and enrollment dates (and the C1D1 the caller knows): 1-2 queries,
    none with the `facts` the caller has read."""
    if facts is not None:
        return rules.TrialDates(
            screened_on=facts.screened_on, consent_on=facts.consent_on, enrolled_on=participant.enrolled_on, c1d1=c1d1
        )
    if "screening" in participant._state.fields_cache:  # already fetched (select_related)
        screened_on = participant.screening.screened_on
    else:
        screened_on = (
            ScreeningRecord.objects.filter(pk=participant.screening_id).values_list("screened_on", flat=True).first()
        )
    return rules.TrialDates(
        screened_on=screened_on,
        consent_on=consent_on if consent_on is not None else consent_date(participant),
        enrolled_on=participant.enrolled_on,
        c1d1=c1d1,
    )


def clinical_date_problems(
    participant: Participant,
    value: date | None,
    label: str = rules.THIS_DATE,
    *,
    consent_on: date | None = None,
    dates: rules.TrialDates | None = None,
    not_before: str = "consent_on",
) -> list[str]:
    """Problems with a clinical date: before consent (or, with `dates`, before the trial date `not_before`
    or an earlier one: screening <= consent <= enrollment <= C1D1), or in the future. Empty when fine.

    Pass `consent_on` (or `dates`) when the caller already has it, to save the query.
    """
    if value is None:
        return []
    if dates is None:
        consent_on = consent_on if consent_on is not None else consent_date(participant)
        order = rules.date_before_consent_problem(value, consent_on, label)
    elif dates.consent_on is None:
        order = rules.date_before_consent_problem(value, None, label)
    else:
        order = rules.date_order_problem(value, dates, not_before, label)
    problems = [order, rules.future_date_problem(value, timezone.localdate(), label)]
    return [p for p in problems if p]


def enrolled_problem(participant: Participant) -> str | None:
    """Clinical data can be recorded only for an enrolled (not screen-failed, not removed) participant."""
    if participant.is_deleted:
        return rules.Message(gettext_noop("This participant record was removed."))
    return None

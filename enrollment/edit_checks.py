"""Automatic edit checks of the enrollment records (registered with integrity.edit_checks when the app is
ready; `enrollment/checks.py` already holds the date helpers of the clinical forms).

- ELIGIBILITY_LOST: an enrolled participant whose screening data now fail eligibility (say CNS3 entered
  later): the edit is allowed (with its reason for change) and shows as a protocol deviation on the casebook.
- DATE_ORDER_CONSENT / DATE_ORDER_ENROLLMENT: screening <= consent <= enrollment, for data written before
  the forms checked it (or by another path).
"""

from django.utils.translation import gettext_noop

from enrollment import checks, rules
from integrity.edit_checks import register


def _dates(cache: dict) -> rules.TrialDates:
    if "trial_dates" not in cache:
        cache["trial_dates"] = checks.trial_dates(cache["participant"])
    return cache["trial_dates"]


@register("ELIGIBILITY_LOST", model="enrollment.ScreeningRecord", field="criteria", reads=("enrollment.Consent",))
def enrolled_but_not_eligible(screening, cache) -> str | None:
    """The screening data of an enrolled participant fail a criterion (a protocol deviation)."""
    eligibility = screening.eligibility_with(_dates(cache).consent_on)
    if eligibility.eligible:
        return None
    return rules.Message(  # stored in English (the str); shown translated with rules.shown
        gettext_noop("Participant %(id)s is enrolled, but the screening data now fail eligibility: %(failed)s. This "
                     "is a protocol deviation: confirm the data with a comment, or correct them."),
        id=cache["participant"].participant_id, failed=eligibility.failed,
    )


@register(
    "DATE_ORDER_CONSENT",
    model="enrollment.Consent",
    field="signed_on",
    reads=("enrollment.ScreeningRecord", "enrollment.Participant"),
)
def consent_out_of_order(consent, cache) -> str | None:
    """Screening <= consent <= enrollment."""
    dates = _dates(cache)
    return rules.date_order_problem(
        consent.signed_on, dates, "screened_on", rules.DATE_OF_CONSENT
    ) or rules.date_after_problem(
        consent.signed_on, dates.enrolled_on, rules.DATE_NAMES["enrolled_on"], rules.DATE_OF_CONSENT
    )


@register(
    "DATE_ORDER_ENROLLMENT",
    model="enrollment.Participant",
    field="enrolled_on",
    reads=("enrollment.ScreeningRecord", "enrollment.Consent"),
)
def enrollment_out_of_order(participant, cache) -> str | None:
    """Screening <= consent <= enrollment."""
    return rules.date_order_problem(participant.enrolled_on, _dates(cache), "consent_on", rules.ENROLLMENT_DATE)

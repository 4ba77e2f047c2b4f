"""Pure enrollment rules: eligibility, age, status lifecycle, participant numbering (no Django)."""

import math
from dataclasses import dataclass, field
from datetime import date

from blinatrial.dates import shown_date
from enrollment.protocol import Criterion, EnrollmentProtocol

CRITERION_ANSWERS = ("met", "not_met", "not_assessed")

# Status lifecycle (issue 3): allowed transitions.
SCREENING = "screening"
SCREEN_FAILED = "screen_failed"
ENROLLED = "enrolled"
ON_TREATMENT = "on_treatment"
FOLLOW_UP = "follow_up"
OFF_STUDY = "off_study"
TRANSITIONS: dict[str, tuple[str, ...]] = {
    SCREENING: (SCREEN_FAILED, ENROLLED),
    SCREEN_FAILED: (),
    ENROLLED: (ON_TREATMENT, OFF_STUDY),
    ON_TREATMENT: (FOLLOW_UP, OFF_STUDY),
    FOLLOW_UP: (OFF_STUDY,),
    OFF_STUDY: (),
}
OFF_STUDY_REASONS = ("completed", "consent_withdrawn", "lost_to_follow_up", "death", "investigator_decision")


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    failed: tuple[str, ...]  # human-readable reasons, one per failed or unassessed criterion


def age_on(birth_date: date, on: date) -> int:
    """Completed years of age at `on`."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def age_problem(age_years: int | None, protocol: EnrollmentProtocol) -> str | None:
    if age_years is None:
        return "Age is unknown: enter the date of birth or the age."
    if not protocol.min_age_years <= age_years <= protocol.max_age_years:
        return (
            f"Age {age_years} is outside the protocol range "
            f"{protocol.min_age_years}-{protocol.max_age_years} years."
        )
    return None


# Screening values the data criteria read (protocol Criterion.data_field).
PH_NEGATIVE, PH_POSITIVE = "NEGATIVE", "POSITIVE"
CNS3 = "CNS3"
CNS_NOT_EXCLUDING = ("CNS1", "CNS2")
DATA_FIELDS = ("age", "ecog", "ph_result", "cns_status", "labs", "consent")


@dataclass(frozen=True)
class ScreeningData:
    """The screening data the data criteria are evaluated from (plain values; None / "" = not entered)."""

    age_years: int | None = None
    ecog: int | None = None
    ph_result: str = ""  # PH_NEGATIVE | PH_POSITIVE | "" (no result yet)
    cns_status: str = ""  # "CNS1" | "CNS2" | "CNS3" | "NOT_ASSESSED" | ""
    labs: dict[str, float | None] = field(default_factory=dict)  # LabLimit.field -> value (x ULN)
    consent_on: date | None = None  # the signed consent on file (None: none recorded)


@dataclass(frozen=True)
class DataAnswer:
    """A data criterion's answer derived from the data, and why (shown with a failed criterion)."""

    answer: str  # "met" | "not_met" | "not_assessed"
    why: str


def _fmt(value: float) -> str:
    return f"{float(value):g}"


def _labs_answer(data: ScreeningData, protocol: EnrollmentProtocol) -> DataAnswer:
    missing = [lab.label for lab in protocol.lab_limits if data.labs.get(lab.field) is None]
    above = [
        f"{lab.label} {_fmt(data.labs[lab.field])} x ULN (limit {_fmt(lab.max_x_uln)})"
        for lab in protocol.lab_limits
        if data.labs.get(lab.field) is not None and float(data.labs[lab.field]) > lab.max_x_uln
    ]
    if above:
        return DataAnswer("not_met", "; ".join(above))
    if missing:
        return DataAnswer("not_assessed", "not entered: " + ", ".join(missing))
    return DataAnswer("met", "every value within its limit")


def data_answer(criterion: Criterion, data: ScreeningData, protocol: EnrollmentProtocol) -> DataAnswer | None:
    """The answer of a criterion evaluated from the screening data (None: the criterion has no data field).

    An exclusion criterion is "met" when the excluding condition is present (CNS3).
    """
    kind = criterion.data_field
    if kind == "age":
        if data.age_years is None:
            return DataAnswer("not_assessed", "age unknown")
        ok = protocol.min_age_years <= data.age_years <= protocol.max_age_years
        return DataAnswer("met" if ok else "not_met", f"age {data.age_years}")
    if kind == "ecog":
        if data.ecog is None:
            return DataAnswer("not_assessed", "ECOG not entered")
        return DataAnswer("met" if data.ecog <= protocol.max_ecog else "not_met", f"ECOG {data.ecog}")
    if kind == "ph_result":
        if data.ph_result not in (PH_NEGATIVE, PH_POSITIVE):
            return DataAnswer("not_assessed", "no BCR::ABL1 result")
        negative = data.ph_result == PH_NEGATIVE
        return DataAnswer("met" if negative else "not_met", f"BCR::ABL1 {'negative' if negative else 'positive'}")
    if kind == "cns_status":
        if data.cns_status == CNS3:
            return DataAnswer("met", "CNS3")
        if data.cns_status in CNS_NOT_EXCLUDING:
            return DataAnswer("not_met", data.cns_status)
        return DataAnswer("not_assessed", "CNS status not assessed")
    if kind == "labs":
        return _labs_answer(data, protocol)
    if kind == "consent":
        if data.consent_on is None:
            return DataAnswer("not_assessed", "no signed consent recorded")
        return DataAnswer("met", f"signed {shown_date(data.consent_on)}")
    return None


def criterion_answers(
    answers: dict[str, str], data: ScreeningData, protocol: EnrollmentProtocol
) -> dict[str, tuple[str, DataAnswer | None]]:
    """Criterion code -> (the answer that counts, the data answer or None): data criteria from the data,
    the others from the tick."""
    out = {}
    for criterion in protocol.criteria:
        derived = data_answer(criterion, data, protocol)
        tick = answers.get(criterion.code, "not_assessed")
        out[criterion.code] = (derived.answer, derived) if derived else (tick, None)
    return out


def derive_eligibility(
    answers: dict[str, str], protocol: EnrollmentProtocol, data: ScreeningData | None = None
) -> Eligibility:
    """Eligible only when every inclusion criterion is met and every exclusion criterion is not met.

    Criteria with a data field are evaluated from `data`, never from the tick (issue 14); the others
    from the tick ("met" / "not_met" / "not_assessed").
    """
    data = data if data is not None else ScreeningData()
    evaluated = criterion_answers(answers, data, protocol)
    failed: list[str] = []
    for criterion in protocol.criteria:
        answer, derived = evaluated[criterion.code]
        if answer == criterion.required_answer:
            continue
        if criterion.data_field == "age":
            failed.append(age_problem(data.age_years, protocol) or f"{criterion.text}: not met")
        elif answer == "not_assessed":
            failed.append(f"{criterion.text}: not assessed" + (f" ({derived.why})" if derived else ""))
        else:
            label = "not met" if criterion.kind == "inclusion" else "present (exclusion)"
            failed.append(f"{criterion.text}: {label}" + (f" ({derived.why})" if derived else ""))
    return Eligibility(eligible=not failed, failed=tuple(failed))


ANSWER_WORDS = {"met": "met", "not_met": "not met", "not_assessed": "not assessed"}


def contradicting_ticks(
    answers: dict[str, str], data: ScreeningData, protocol: EnrollmentProtocol
) -> dict[str, str]:
    """Criterion code -> message, for each data criterion whose tick ("met" / "not met") differs from the
    answer its data give. "Not assessed" is never a contradiction: it leaves the answer to the data."""
    problems = {}
    for criterion in protocol.criteria:
        tick = answers.get(criterion.code, "not_assessed")
        derived = data_answer(criterion, data, protocol)
        if derived is None or tick == "not_assessed" or tick == derived.answer:
            continue
        problems[criterion.code] = (
            f"'{criterion.text}' is ticked {ANSWER_WORDS[tick]}, but the data say {ANSWER_WORDS[derived.answer]} "
            f"({derived.why}): correct the data or the tick."
        )
    return problems


def transition_problem(current: str, new: str) -> str | None:
    if new not in TRANSITIONS.get(current, ()):
        return f"A participant cannot go from '{current}' to '{new}'."
    return None


def format_participant_id(site_code: str, sequence: int) -> str:
    return f"{site_code}-{sequence:03d}"


def format_screening_number(site_code: str, sequence: int) -> str:
    return f"S{site_code}-{sequence:03d}"


def date_before_consent_problem(
    value: date | None, consent_date: date | None, label: str = "This date"
) -> str | None:
    """No clinical data may be dated before consent (reusable by every clinical form)."""
    if value is None:
        return None
    if consent_date is None:
        return "No signed consent is on file: clinical data cannot be recorded yet."
    if value < consent_date:
        return f"{label} ({shown_date(value)}) is before the date of consent ({shown_date(consent_date)})."
    return None


@dataclass(frozen=True)
class TrialDates:
    """The dates every later date of a participant must not precede, in the order the trial happens:
    screening <= consent <= enrollment <= C1D1 <= every clinical date (None: not reached yet)."""

    screened_on: date | None = None
    consent_on: date | None = None
    enrolled_on: date | None = None
    c1d1: date | None = None


DATE_ORDER = ("screened_on", "consent_on", "enrolled_on", "c1d1")
DATE_NAMES = {
    "screened_on": "the screening date",
    "consent_on": "the date of consent",
    "enrolled_on": "the enrollment date",
    "c1d1": "C1D1 (the first dose)",
}


def date_order_problem(value: date | None, dates: TrialDates, not_before: str, label: str = "This date") -> str | None:
    """`value` must not precede the trial date `not_before` (one of DATE_ORDER) nor any earlier one.

    Before consent is named first (no clinical data before consent); otherwise the latest date it
    precedes, which is the earliest date allowed. The message names both dates.
    """
    if value is None:
        return None
    names = DATE_ORDER[: DATE_ORDER.index(not_before) + 1]
    broken = [n for n in names if getattr(dates, n) is not None and value < getattr(dates, n)]
    if not broken:
        return None
    name = "consent_on" if "consent_on" in broken else broken[-1]
    anchor = getattr(dates, name)
    return f"{label} ({shown_date(value)}) is before {DATE_NAMES[name]} ({shown_date(anchor)})."


def date_after_problem(value: date | None, later: date | None, later_name: str, label: str = "This date") -> str | None:
    """`value` must not follow a later trial date already recorded (e.g. a screening date after consent)."""
    if value is None or later is None or value <= later:
        return None
    return f"{label} ({shown_date(value)}) is after {later_name} ({shown_date(later)})."


def future_date_problem(value: date | None, today: date, label: str = "This date") -> str | None:
    if value is not None and value > today:
        return f"{label} ({shown_date(value)}) is in the future."
    return None


OFF_STUDY_REASON_LABELS = {
    "completed": "Completed the study",
    "consent_withdrawn": "Consent withdrawn",
    "lost_to_follow_up": "Lost to follow-up",
    "death": "Death",
    "investigator_decision": "Investigator decision",
}
TREATED_STATUSES = (ON_TREATMENT, FOLLOW_UP)


def consent_version_problem(version: str, signed_on: date, approved: tuple[str, ...]) -> str | None:
    """`approved`: the versions approved on `signed_on` (protocol.approved_consent_versions(on=signed_on))."""
    if version not in approved:
        return (
            f"Consent document version {version} was not approved on {shown_date(signed_on)} "
            f"(approved then: {', '.join(approved) or 'none'})."
        )
    return None


@dataclass(frozen=True)
class EnrollmentFacts:
    """What the enrollment decision needs, as plain data (the service gathers it)."""

    eligibility: Eligibility
    age_years: int | None
    screened_on: date
    consent_version: str | None  # None: no consent on file
    consent_on: date | None
    approved_versions: tuple[str, ...]  # approved on consent_on
    enrolled_on: date
    today: date
    enrolled_count: int
    target: int


def enrollment_problems(facts: EnrollmentFacts, protocol: EnrollmentProtocol) -> list[str]:
    """Every reason enrollment must be refused (empty list: enrollment allowed)."""
    problems: list[str] = []
    if (age := age_problem(facts.age_years, protocol)) is not None:
        problems.append(age)
    failed = [f for f in facts.eligibility.failed if f != age]
    if failed:
        problems.append("The candidate is not eligible: " + "; ".join(failed) + ".")
    if facts.consent_version is None or facts.consent_on is None:
        problems.append("No signed consent is on file.")
    else:
        problems += [
            p
            for p in (
                consent_version_problem(facts.consent_version, facts.consent_on, facts.approved_versions),
                future_date_problem(facts.consent_on, facts.today, "The date of consent"),
                date_order_problem(
                    facts.enrolled_on, TrialDates(facts.screened_on, facts.consent_on), "consent_on",
                    "The enrollment date",
                ),
                date_order_problem(
                    facts.consent_on, TrialDates(facts.screened_on), "screened_on", "The date of consent"
                ),
            )
            if p
        ]
    if (p := future_date_problem(facts.enrolled_on, facts.today, "The enrollment date")) is not None:
        problems.append(p)
    if facts.enrolled_count >= facts.target:
        problems.append(
            f"The enrollment target of {facts.target} participants is reached: no further enrollment "
            "(a data manager can raise the target in the study settings)."
        )
    return problems


def study_day(on: date, c1d1: date | None) -> int | None:
    """Study day (DOMAIN "Project decisions" 1): date - C1D1 + 1 on/after C1D1, date - C1D1 before; no day 0."""
    if c1d1 is None:
        return None
    delta = (on - c1d1).days
    return delta + 1 if delta >= 0 else delta


def bsa_mosteller(height_cm: float, weight_kg: float) -> float:
    """Body surface area (m2), Mosteller: sqrt(height_cm x weight_kg / 3600), 2 decimals (DOMAIN 2.3)."""
    return round(math.sqrt(float(height_cm) * float(weight_kg) / 3600), 2)

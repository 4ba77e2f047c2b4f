"""Pure enrollment rules: eligibility, age, status lifecycle, participant numbering (no Django)."""

import math
from dataclasses import dataclass
from datetime import date

from enrollment.protocol import EnrollmentProtocol

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


def derive_eligibility(
    answers: dict[str, str], protocol: EnrollmentProtocol, *, age_years: int | None = None
) -> Eligibility:
    """Eligible only when every inclusion criterion is met and every exclusion criterion is not met."""
    failed: list[str] = []
    for criterion in protocol.criteria:
        answer = answers.get(criterion.code, "not_assessed")
        if answer == "not_assessed":
            failed.append(f"{criterion.text}: not assessed")
        elif answer != criterion.required_answer:
            label = "not met" if criterion.kind == "inclusion" else "present (exclusion)"
            failed.append(f"{criterion.text}: {label}")
    if (problem := age_problem(age_years, protocol)) is not None:
        failed.append(problem)
    return Eligibility(eligible=not failed, failed=tuple(failed))


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
        return f"{label} ({value.isoformat()}) is before the date of consent ({consent_date.isoformat()})."
    return None


def future_date_problem(value: date | None, today: date, label: str = "This date") -> str | None:
    if value is not None and value > today:
        return f"{label} ({value.isoformat()}) is in the future."
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
            f"Consent document version {version} was not approved on {signed_on.isoformat()} "
            f"(approved then: {', '.join(approved) or 'none'})."
        )
    return None


@dataclass(frozen=True)
class EnrollmentFacts:
    """What the enrollment decision needs, as plain data (the service gathers it)."""

    eligibility: Eligibility
    age_years: int | None
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
                date_before_consent_problem(facts.enrolled_on, facts.consent_on, "The enrollment date"),
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

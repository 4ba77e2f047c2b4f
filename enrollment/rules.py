"""Pure enrollment rules: eligibility, age, status lifecycle, participant numbering (no Django)."""

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

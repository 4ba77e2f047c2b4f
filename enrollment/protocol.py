"""Enrollment part of the protocol definition (DOMAIN.md 1.1, 7): one place, with defaults.

Views, forms and rules read these values; nothing is hard-coded elsewhere. The target enrollment
can be raised at run time by a data manager (StudySettings), which starts from this default.

A criterion with a `data_field` is evaluated from that screening data by enrollment.rules (age, ECOG,
BCR::ABL1 result, CNS status, the organ-function laboratory values, recorded consent); the
met / not met tick is the answer only for the criteria without one. The laboratory limits are (K)
defaults from analogous adult ALL protocols, not from the registration: verify against the protocol.
"""

from dataclasses import dataclass, field
from datetime import date

from blinatrial.wording import gettext_noop


@dataclass(frozen=True)
class Criterion:
    code: str
    kind: str  # "inclusion" | "exclusion"
    text: str  # English, marked with gettext_noop (shown translated: rules.criterion_text)
    # The screening data the criterion is evaluated from (rules.DATA_FIELDS); "" = the coordinator's tick.
    data_field: str = ""

    @property
    def required_answer(self) -> str:
        """An inclusion criterion must be met; an exclusion criterion must be not met."""
        return "met" if self.kind == "inclusion" else "not_met"


@dataclass(frozen=True)
class ConsentVersion:
    version: str
    approved_on: date | None  # None: drafted, not approved: consent on it is refused


@dataclass(frozen=True)
class LabLimit:
    """An organ-function laboratory value, entered as a multiple of the laboratory's upper limit of normal."""

    field: str  # ScreeningRecord field
    label: str
    max_x_uln: float  # the criterion is met at or below this


@dataclass(frozen=True)
class EnrollmentProtocol:
    study_code: str = "BLINA-RDC"
    target_enrollment: int = 20
    min_age_years: int = 18
    max_age_years: int = 59
    max_prior_steroid_days: int = 7
    max_ecog: int = 2  # ECOG performance status 0-2
    lab_limits: tuple[LabLimit, ...] = (
        LabLimit("bilirubin_x_uln", gettext_noop("Total bilirubin"), 1.5),
        LabLimit("alt_x_uln", gettext_noop("ALT"), 3.0),
        LabLimit("creatinine_x_uln", gettext_noop("Creatinine"), 1.5),
    )
    consent_criterion: str = "INC_CONSENT"  # marked "met" when consent is recorded
    criteria: tuple[Criterion, ...] = (
        Criterion("INC_NEW_BALL", "inclusion", gettext_noop("Newly diagnosed precursor B-cell ALL")),
        Criterion(
            "INC_PH_NEG", "inclusion", gettext_noop("Ph-negative confirmed (BCR::ABL1 negative by FISH or PCR)"),
            "ph_result",
        ),
        Criterion("INC_AGE", "inclusion", gettext_noop("Age within the protocol range"), "age"),
        Criterion("INC_ECOG", "inclusion", gettext_noop("ECOG performance status 0-2"), "ecog"),
        Criterion("INC_ORGAN", "inclusion", gettext_noop("Adequate organ function"), "labs"),
        Criterion("INC_CONSENT", "inclusion", gettext_noop("Signed informed consent"), "consent"),
        Criterion(
            "EXC_PRIOR_THERAPY",
            "exclusion",
            gettext_noop("Prior anti-leukaemic therapy other than steroids/hydroxyurea for at most 7 days"),
        ),
        Criterion("EXC_CNS3", "exclusion", gettext_noop("CNS3 disease"), "cns_status"),
        Criterion("EXC_INFECTION", "exclusion", gettext_noop("Uncontrolled infection")),
        Criterion("EXC_PREGNANCY", "exclusion", gettext_noop("Pregnancy or breast-feeding")),
        Criterion("EXC_MALIGNANCY", "exclusion", gettext_noop("Other active malignancy")),
    )
    consent_versions: tuple[ConsentVersion, ...] = field(
        default=(
            ConsentVersion("1.0", date(2024, 11, 1)),
            ConsentVersion("1.1", date(2025, 6, 1)),
            ConsentVersion("2.0-draft", None),
        )
    )

    def criterion(self, code: str) -> Criterion:
        return next(c for c in self.criteria if c.code == code)

    def approved_consent_versions(self, on: date | None = None) -> tuple[str, ...]:
        return tuple(
            v.version
            for v in self.consent_versions
            if v.approved_on is not None and (on is None or v.approved_on <= on)
        )


ENROLLMENT_PROTOCOL = EnrollmentProtocol()

"""Pure enrollment rules: eligibility, age, status lifecycle, participant numbering (Django only to mark and show
the messages in the reader's language: `Message`)."""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from blinatrial.dates import english_date, shown_date
from blinatrial.wording import get_language, gettext, gettext_noop, override, pgettext_lazy
from enrollment.protocol import Criterion, EnrollmentProtocol


class Message(str):
    """A rule's message: the str is the English text (what is stored, compared and logged); `shown()` gives it in
    the reader's language. Keeps its template (marked with gettext_noop) and values: dates, numbers, plain text,
    lazy or other Messages (translated when shown), tuples of them (joined with "; "). Without values the template
    is literal text (no %% escaping)."""

    template: str
    values: dict

    def __new__(cls, template: str, **values):
        if values and _language_dependent(values.values()):
            with override("en-gb"):  # a lazy text: English, whatever the reader's language
                text = _render(template, values, translate=False)
        elif values:  # plain text, numbers and other Messages read the same in every language: no switch
            text = _render(template, values, translate=False)
        else:  # literal text (no placeholders): also safe at import time
            text = template
        obj = super().__new__(cls, text)
        obj.template, obj.values = template, values
        return obj

    def shown(self) -> str:
        return _render(gettext(self.template) if self.template else "", self.values, translate=True)


class Joined(str):
    """Messages joined by `sep` (English as str, each part shown translated by `shown()`)."""

    parts: tuple

    def __new__(cls, sep: str, parts):
        parts = tuple(parts)
        obj = super().__new__(cls, sep.join(str(p) for p in parts))
        obj.parts, obj.sep = parts, sep
        return obj

    def shown(self) -> str:
        sep = {", ": "、", "; ": "；", " ": ""}.get(self.sep, self.sep) if _chinese() else self.sep
        return sep.join(shown(p) for p in self.parts)


def shown(text) -> str:
    """A rule's message (or plain text) in the reader's language."""
    if isinstance(text, Message | Joined):
        return text.shown()
    return str(text)


def _value(value, translate: bool) -> str:
    if isinstance(value, Message | Joined):
        return value.shown() if translate else str(value)
    if isinstance(value, date):
        return shown_date(value) if translate else english_date(value)
    if isinstance(value, tuple | list):
        return ("；" if translate and _chinese() else "; ").join(_value(v, translate) for v in value)
    return str(value)  # a lazy string is evaluated in the active language


LANGUAGE_FREE = (str, int, float, Decimal, date, datetime)  # rendered the same whatever language is active


def _language_dependent(values) -> bool:
    """Whether rendering `values` as English needs English active: a lazy text, anything not plain."""
    for value in values:
        if isinstance(value, tuple | list):
            if _language_dependent(value):
                return True
        elif not (type(value) in LANGUAGE_FREE or isinstance(value, Message | Joined | bool)):
            return True
    return False


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def _render(template: str, values: dict, translate: bool) -> str:
    return template % {k: _value(v, translate) for k, v in values.items()} if values else template


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
        return Message(gettext_noop("Age is unknown: enter the date of birth or the age."))
    if not protocol.min_age_years <= age_years <= protocol.max_age_years:
        return Message(
            gettext_noop("Age %(age)s is outside the protocol range %(min)s-%(max)s years."),
            age=age_years, min=protocol.min_age_years, max=protocol.max_age_years,
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
    """A data criterion's answer derived from the data, and why (shown with a failed criterion). The why is
    built when read: most answers are never shown (a list derives every row's eligibility, and shows only the
    criteria that fail)."""

    answer: str  # "met" | "not_met" | "not_assessed"
    because: Callable[[], str] = field(compare=False, repr=False)  # builds the why (a Message)

    @property
    def why(self) -> str:
        return self.because()


def _fmt(value: float) -> str:
    return f"{float(value):g}"


def _labs_answer(data: ScreeningData, protocol: EnrollmentProtocol) -> DataAnswer:
    missing = [lab for lab in protocol.lab_limits if data.labs.get(lab.field) is None]
    above = [lab for lab in protocol.lab_limits
             if data.labs.get(lab.field) is not None and float(data.labs[lab.field]) > lab.max_x_uln]
    if above:
        return DataAnswer("not_met", lambda: Message("%(above)s", above=tuple(
            Message(gettext_noop("%(lab)s %(value)s x ULN (limit %(limit)s)"),
                    lab=lab_label(lab.label), value=_fmt(data.labs[lab.field]), limit=_fmt(lab.max_x_uln))
            for lab in above
        )))
    if missing:
        return DataAnswer("not_assessed", lambda: Message(
            gettext_noop("not entered: %(labs)s"), labs=Joined(", ", [lab_label(lab.label) for lab in missing])
        ))
    return DataAnswer("met", lambda: Message(gettext_noop("every value within its limit")))


def lab_label(label: str) -> Message:
    """A laboratory label of the protocol (marked there with gettext_noop), shown translated."""
    return Message(label)


def data_answer(criterion: Criterion, data: ScreeningData, protocol: EnrollmentProtocol) -> DataAnswer | None:
    """The answer of a criterion evaluated from the screening data (None: the criterion has no data field).

    An exclusion criterion is "met" when the excluding condition is present (CNS3).
    """
    kind = criterion.data_field
    if kind == "age":
        if data.age_years is None:
            return DataAnswer("not_assessed", lambda: Message(gettext_noop("age unknown")))
        ok = protocol.min_age_years <= data.age_years <= protocol.max_age_years
        return DataAnswer("met" if ok else "not_met",
                          lambda: Message(gettext_noop("age %(age)s"), age=data.age_years))
    if kind == "ecog":
        if data.ecog is None:
            return DataAnswer("not_assessed", lambda: Message(gettext_noop("ECOG not entered")))
        ok = data.ecog <= protocol.max_ecog
        return DataAnswer("met" if ok else "not_met", lambda: Message("ECOG %(ecog)s", ecog=data.ecog))
    if kind == "ph_result":
        if data.ph_result not in (PH_NEGATIVE, PH_POSITIVE):
            return DataAnswer("not_assessed", lambda: Message(gettext_noop("no BCR::ABL1 result")))
        negative = data.ph_result == PH_NEGATIVE
        why = gettext_noop("BCR::ABL1 negative") if negative else gettext_noop("BCR::ABL1 positive")
        return DataAnswer("met" if negative else "not_met", lambda: Message(why))
    if kind == "cns_status":
        if data.cns_status == CNS3:
            return DataAnswer("met", lambda: Message("CNS3"))
        if data.cns_status in CNS_NOT_EXCLUDING:
            return DataAnswer("not_met", lambda: Message("%(cns)s", cns=data.cns_status))
        return DataAnswer("not_assessed", lambda: Message(gettext_noop("CNS status not assessed")))
    if kind == "labs":
        return _labs_answer(data, protocol)
    if kind == "consent":
        if data.consent_on is None:
            return DataAnswer("not_assessed", lambda: Message(gettext_noop("no signed consent recorded")))
        return DataAnswer("met", lambda: Message(gettext_noop("signed %(on)s"), on=data.consent_on))
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
        text = criterion_text(criterion)
        if criterion.data_field == "age":
            failed.append(age_problem(data.age_years, protocol)
                          or Message(gettext_noop("%(criterion)s: not met"), criterion=text))
        elif answer == "not_assessed":
            failed.append(
                Message(gettext_noop("%(criterion)s: not assessed (%(why)s)"), criterion=text, why=derived.why)
                if derived else Message(gettext_noop("%(criterion)s: not assessed"), criterion=text)
            )
        elif criterion.kind == "inclusion":
            failed.append(
                Message(gettext_noop("%(criterion)s: not met (%(why)s)"), criterion=text, why=derived.why)
                if derived else Message(gettext_noop("%(criterion)s: not met"), criterion=text)
            )
        else:
            failed.append(
                Message(gettext_noop("%(criterion)s: present (exclusion) (%(why)s)"), criterion=text, why=derived.why)
                if derived else Message(gettext_noop("%(criterion)s: present (exclusion)"), criterion=text)
            )
    return Eligibility(eligible=not failed, failed=tuple(failed))


def criterion_text(criterion: Criterion) -> Message:
    """The criterion's text (protocol.CRITERION_TEXTS marks them for translation)."""
    return Message(criterion.text)


ANSWER_WORDS = {"met": gettext_noop("met"), "not_met": gettext_noop("not met"),
                "not_assessed": gettext_noop("not assessed")}


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
        problems[criterion.code] = Message(
            gettext_noop("'%(criterion)s' is ticked %(tick)s, but the data say %(answer)s (%(why)s): correct the "
                         "data or the tick."),
            criterion=criterion_text(criterion), tick=Message(ANSWER_WORDS[tick]),
            answer=Message(ANSWER_WORDS[derived.answer]), why=derived.why,
        )
    return problems


# A status code as the messages name it: the code itself in English (as before), the status's name in Chinese.
STATUS_CODE_WORDS = {
    SCREENING: pgettext_lazy("status code", "screening"),
    SCREEN_FAILED: pgettext_lazy("status code", "screen_failed"),
    ENROLLED: pgettext_lazy("status code", "enrolled"),
    ON_TREATMENT: pgettext_lazy("status code", "on_treatment"),
    FOLLOW_UP: pgettext_lazy("status code", "follow_up"),
    OFF_STUDY: pgettext_lazy("status code", "off_study"),
}


def transition_problem(current: str, new: str) -> str | None:
    if new not in TRANSITIONS.get(current, ()):
        return Message(gettext_noop("A participant cannot go from '%(current)s' to '%(new)s'."),
                       current=STATUS_CODE_WORDS.get(current, current), new=STATUS_CODE_WORDS.get(new, new))
    return None


def format_participant_id(site_code: str, sequence: int) -> str:
    return f"{site_code}-{sequence:03d}"


def format_screening_number(site_code: str, sequence: int) -> str:
    return f"S{site_code}-{sequence:03d}"


THIS_DATE = Message(gettext_noop("This date"))
# The dates' names the messages use (the forms of every area pass them as labels).
DATE_OF_CONSENT = Message(gettext_noop("The date of consent"))
ENROLLMENT_DATE = Message(gettext_noop("The enrollment date"))
SCREENING_DATE = Message(gettext_noop("The screening date"))


def date_before_consent_problem(
    value: date | None, consent_date: date | None, label: str = THIS_DATE
) -> str | None:
    """No clinical data may be dated before consent (reusable by every clinical form)."""
    if value is None:
        return None
    if consent_date is None:
        return Message(gettext_noop("No signed consent is on file: clinical data cannot be recorded yet."))
    if value < consent_date:
        return Message(gettext_noop("%(label)s (%(value)s) is before the date of consent (%(consent)s)."),
                       label=label, value=value, consent=consent_date)
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
    "screened_on": Message(gettext_noop("the screening date")),
    "consent_on": Message(gettext_noop("the date of consent")),
    "enrolled_on": Message(gettext_noop("the enrollment date")),
    "c1d1": Message(gettext_noop("C1D1 (the first dose)")),
}


def date_order_problem(value: date | None, dates: TrialDates, not_before: str, label: str = THIS_DATE) -> str | None:
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
    return Message(gettext_noop("%(label)s (%(value)s) is before %(name)s (%(anchor)s)."), label=label, value=value,
                   name=DATE_NAMES[name], anchor=anchor)


def date_after_problem(value: date | None, later: date | None, later_name: str, label: str = THIS_DATE) -> str | None:
    """`value` must not follow a later trial date already recorded (e.g. a screening date after consent)."""
    if value is None or later is None or value <= later:
        return None
    return Message(gettext_noop("%(label)s (%(value)s) is after %(name)s (%(later)s)."), label=label, value=value,
                   name=later_name, later=later)


def future_date_problem(value: date | None, today: date, label: str = THIS_DATE) -> str | None:
    if value is not None and value > today:
        return Message(gettext_noop("%(label)s (%(value)s) is in the future."), label=label, value=value)
    return None


OFF_STUDY_REASON_LABELS = {  # English; shown with gettext (the codes are stored)
    "completed": gettext_noop("Completed the study"),
    "consent_withdrawn": gettext_noop("Consent withdrawn"),
    "lost_to_follow_up": gettext_noop("Lost to follow-up"),
    "death": gettext_noop("Death"),
    "investigator_decision": gettext_noop("Investigator decision"),
}
TREATED_STATUSES = (ON_TREATMENT, FOLLOW_UP)


def consent_version_problem(version: str, signed_on: date, approved: tuple[str, ...]) -> str | None:
    """`approved`: the versions approved on `signed_on` (protocol.approved_consent_versions(on=signed_on))."""
    if version not in approved:
        if not approved:
            return Message(gettext_noop("Consent document version %(version)s was not approved on %(on)s (approved "
                                        "then: none)."), version=version, on=signed_on)
        return Message(
            gettext_noop("Consent document version %(version)s was not approved on %(on)s (approved then: "
                         "%(approved)s)."),
            version=version, on=signed_on, approved=", ".join(approved),
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
    failed = tuple(f for f in facts.eligibility.failed if f != age)
    if failed:
        problems.append(Message(gettext_noop("The candidate is not eligible: %(failed)s."), failed=failed))
    if facts.consent_version is None or facts.consent_on is None:
        problems.append(Message(gettext_noop("No signed consent is on file.")))
    else:
        problems += [
            p
            for p in (
                consent_version_problem(facts.consent_version, facts.consent_on, facts.approved_versions),
                future_date_problem(facts.consent_on, facts.today, DATE_OF_CONSENT),
                date_order_problem(
                    facts.enrolled_on, TrialDates(facts.screened_on, facts.consent_on), "consent_on", ENROLLMENT_DATE,
                ),
                date_order_problem(facts.consent_on, TrialDates(facts.screened_on), "screened_on", DATE_OF_CONSENT),
            )
            if p
        ]
    if (p := future_date_problem(facts.enrolled_on, facts.today, ENROLLMENT_DATE)) is not None:
        problems.append(p)
    if facts.enrolled_count >= facts.target:
        problems.append(Message(
            gettext_noop("The enrollment target of %(target)s participants is reached: no further enrollment (a data "
                         "manager can raise the target in the study settings)."),
            target=facts.target,
        ))
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

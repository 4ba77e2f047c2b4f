"""The state of one participant × timepoint cell of the status matrix (pure; its words are marked for translation).

A cell groups the forms of one timepoint. Its progress says how many of the forms the timepoint expects
hold data; its flags say what the integrity workflow knows about them. The matrix page (assessments) counts
the forms and the flags; this module alone decides the words.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from blinatrial.wording import gettext_lazy as _  # the states' words only (lazy: no settings needed)

NOT_STARTED = "not_started"
INCOMPLETE = "incomplete"
COMPLETE = "complete"
VERIFIED = "verified"
OPEN_QUERY = "open_query"
SIGNED = "signed"
LOCKED = "locked"

STATE_LABELS = {
    NOT_STARTED: _("not started"),
    INCOMPLETE: _("incomplete"),
    COMPLETE: _("complete"),
    VERIFIED: _("verified"),
    OPEN_QUERY: _("open query"),
    SIGNED: _("signed"),
    LOCKED: _("locked"),
}
STATE_MEANINGS = {
    NOT_STARTED: _("no form of the timepoint holds data yet"),
    INCOMPLETE: _("some of the timepoint's forms hold data, not all"),
    COMPLETE: _("every form the timepoint expects holds data"),
    VERIFIED: _(
        "complete, and a monitor has verified every critical-to-quality value of its forms against source; "
        "an edit since then undoes it (cycles hold no critical values, so they are never verified)"
    ),
    OPEN_QUERY: _("a data query on one of its forms is not closed yet (open or answered)"),
    SIGNED: _("an investigator's e-signature of the timepoint or of the whole casebook, not marked broken"),
    LOCKED: _("an active timepoint, participant or study lock covers it"),
}


@dataclass(frozen=True)
class CellFacts:
    expected: int  # forms (or form items) the timepoint expects
    entered: int  # of those, the ones holding data
    open_queries: int = 0
    signed: bool = False
    locked: bool = False
    critical: int = 0  # critical-to-quality values its forms hold
    verified: int = 0  # of those, the ones a current source verification mark covers


def progress(expected: int, entered: int) -> str:
    """not started / incomplete / complete, from how many expected forms hold data."""
    if entered <= 0:
        return NOT_STARTED
    return COMPLETE if entered >= expected else INCOMPLETE


def cell_states(facts: CellFacts) -> tuple[str, ...]:
    """Every state that applies to a cell, in this order: its progress, verified, open query, signed, locked.

    Verified is the last step of progress, as a monitor reads a timepoint: it needs the forms complete and at
    least one critical value, every one covered by a current mark (an edit clears a mark, so the cell falls
    back to complete). It keeps "complete" among the states (a verified timepoint is still complete for the
    lists that ask), and `shown_states` prints it in complete's place. The flags come after it and neither
    hide it nor are hidden by it: an open query does not undo a verification (only an edit does), a signature
    or a lock does not imply one, and a monitor wants to see both what is verified and what is still queried.
    """
    states = [progress(facts.expected, facts.entered)]
    if states[0] == COMPLETE and facts.critical > 0 and facts.verified >= facts.critical:
        states.append(VERIFIED)
    if facts.open_queries > 0:
        states.append(OPEN_QUERY)
    if facts.signed:
        states.append(SIGNED)
    if facts.locked:
        states.append(LOCKED)
    return tuple(states)


def shown_states(states: tuple[str, ...]) -> tuple[str, ...]:
    """The states a cell prints, the first one giving its colour: "verified" stands in for "complete"."""
    if VERIFIED in states:
        return tuple(s for s in states if s != COMPLETE)
    return states


# --- Decimal entry (every decimal field of every clinical form) ---------------------------------------------
#
# Chromium's `type="number"` silently drops a comma ("1,2" became 12), so clinical forms take decimals as text
# and this rule reads them: a dot or a comma is the decimal separator ("1.2" and "1,2" are 1.2); there is no
# thousands separator. Input that could mean two numbers is refused rather than guessed: both separators
# ("1,234.5"), a separator twice ("1.234.567"), spaces inside ("1 234"), or a comma followed by exactly three
# digits after a non-zero integer part ("1,234": 1234 in English, 1.234 elsewhere).

_DIGITS = frozenset("0123456789")
_NUMBER_CHARS = _DIGITS | frozenset("+-.,eE' \u00a0\u202f")  # digits, sign, separators, exponent, spaces
DECIMAL_HINT = "e.g. 1.2 or 1,2"
AMBIGUOUS_DECIMAL = (
    "Write the number with one decimal separator (a dot or a comma) and no thousands separator, "
    f"{DECIMAL_HINT}."
)
AMBIGUOUS_THOUSANDS = (
    "This could be a thousands separator or a decimal comma: write 1234 or 1.234 (no thousands separator)."
)
NOT_A_NUMBER = f"Enter a number, {DECIMAL_HINT}."


class DecimalEntryError(ValueError):
    """The text is not a number by the decimal-entry rule; the message says why, in words."""


def _split_exponent(text: str) -> tuple[str, str]:
    for marker in ("e", "E"):
        if marker in text:
            mantissa, _, exponent = text.partition(marker)
            return mantissa, marker + exponent
    return text, ""


def normalise_decimal_text(text: str) -> str:
    """The typed number with a dot as its decimal separator (e.g. "1,2" -> "1.2"); DecimalEntryError if the
    text is not a number or is ambiguous. An exponent ("1e-6", "1,5E-4") is allowed for tiny fractions."""
    text = text.strip()
    if not set(text) <= _NUMBER_CHARS:
        raise DecimalEntryError(NOT_A_NUMBER)
    if any(ch.isspace() for ch in text) or "'" in text:
        raise DecimalEntryError(AMBIGUOUS_DECIMAL)
    mantissa, exponent = _split_exponent(text)
    sign = mantissa[:1] if mantissa[:1] in ("+", "-") else ""
    body = mantissa[len(sign):]
    dots, commas = body.count("."), body.count(",")
    if dots + commas > 1:
        raise DecimalEntryError(AMBIGUOUS_DECIMAL)
    whole, _, fraction = body.replace(",", ".").partition(".")
    if not (whole or fraction) or not set(whole + fraction) <= _DIGITS:
        raise DecimalEntryError(NOT_A_NUMBER)
    if exponent:
        digits = exponent[1:].lstrip("+-")
        if not digits or not set(digits) <= _DIGITS or len(exponent[1:]) - len(digits) > 1:
            raise DecimalEntryError(NOT_A_NUMBER)
    if commas and len(fraction) == 3 and whole.lstrip("0"):
        raise DecimalEntryError(AMBIGUOUS_THOUSANDS)
    return f"{sign}{whole or '0'}{'.' + fraction if fraction else ''}{exponent}"


# --- Source data verification ----------------------------------------------------------------------------------
#
# A critical field with a value counts once. It is verified when a current (not cleared) mark of its whole record
# was made at the record's current version, or a current mark of the field itself holds the field's current
# value. A mark cleared by an edit verifies nothing.


@dataclass(frozen=True)
class CriticalValue:
    model: str
    record_id: int
    field: str
    value: str  # the current value as text
    row_version: int
    participant_id: int | None
    site_id: int
    timepoint: str = ""  # the record's timepoint (EOC1, ...) when its form has one


@dataclass(frozen=True)
class VerificationMark:
    model: str
    record_id: int
    field: str  # "" for the whole record
    value: str
    row_version: int
    cleared: bool = False  # cleared by an edit after verification


@dataclass(frozen=True)
class Progress:
    verified: int
    total: int

    @property
    def percent(self) -> int | None:
        return None if self.total == 0 else round(100 * self.verified / self.total)


@dataclass(frozen=True)
class RecordToVerify:
    """A record holding a critical value that no current mark verifies."""

    model: str
    record_id: int
    participant_id: int | None
    timepoint: str
    verified: int  # critical values verified
    total: int  # critical values with a value
    edited_after_verification: bool  # a value not verified now was verified before an edit


def is_verified(value: CriticalValue, whole: dict, fields: dict) -> bool:
    return whole.get((value.model, value.record_id)) == value.row_version or fields.get(
        (value.model, value.record_id, value.field)
    ) == value.value


def _current(marks: Iterable[VerificationMark]) -> tuple[dict, dict]:
    """(model, record) -> row version of its whole-record mark; (model, record, field) -> value of its field mark."""
    current = [m for m in marks if not m.cleared]
    whole = {(m.model, m.record_id): m.row_version for m in current if not m.field}
    fields = {(m.model, m.record_id, m.field): m.value for m in current if m.field}
    return whole, fields


def verification_progress(
    values: Iterable[CriticalValue], marks: Iterable[VerificationMark], key: Callable[[CriticalValue], object]
) -> dict[object, Progress]:
    """key(value) -> Progress (verified / total critical fields with a value), e.g. per site, participant or
    status-matrix cell."""
    whole, fields = _current(marks)
    counts: dict[object, list[int]] = {}
    for value in values:
        count = counts.setdefault(key(value), [0, 0])
        count[1] += 1
        count[0] += is_verified(value, whole, fields)
    return {k: Progress(verified=v, total=t) for k, (v, t) in counts.items()}


def records_not_verified(
    values: Iterable[CriticalValue], marks: Iterable[VerificationMark]
) -> list[RecordToVerify]:
    """The records with at least one critical value not verified, each once, in the order of their first value.

    `marks` may hold cleared marks too: they verify nothing, but a value they (or a mark that no longer holds)
    covered was verified before an edit, which the monitor is told (`edited_after_verification`)."""
    marks = list(marks)
    whole, fields = _current(marks)
    ever_whole = {(m.model, m.record_id) for m in marks if not m.field}
    ever_fields = {(m.model, m.record_id, m.field) for m in marks if m.field}
    found: dict[tuple[str, int], list] = {}
    for value in values:
        key = (value.model, value.record_id)
        entry = found.setdefault(key, [value, 0, 0, False])
        entry[2] += 1
        if is_verified(value, whole, fields):
            entry[1] += 1
        elif key in ever_whole or (*key, value.field) in ever_fields:
            entry[3] = True
    return [
        RecordToVerify(model=first.model, record_id=first.record_id, participant_id=first.participant_id,
                       timepoint=first.timepoint, verified=verified, total=total, edited_after_verification=edited)
        for first, verified, total, edited in found.values()
        if verified < total
    ]

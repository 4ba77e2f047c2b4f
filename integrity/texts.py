"""Stored English texts shown in the reader's language.

What the system writes for keeps (an automatic query's message, the reason of an audit row it makes, the lock
trigger's refusal) is written in English, whatever the language of the person whose action caused it: the trail,
the exports and the API stay language-neutral. A page shows such a text in its reader's language by matching the
stored English against the English templates registered here (msgids with named `%(name)s` placeholders) and
translating the template; the values caught by the placeholders are kept (a date in English words is written
again in the reader's format). A text no template matches (what a person typed) is shown as stored.

    from django.utils.translation import gettext_noop
    from integrity import texts

    MISSING = gettext_noop("The marrow of %(timepoint)s is missing.")
    texts.register(MISSING)                                  # at import time, so pages can match it
    message = texts.stored(MISSING, timepoint="EOC1")         # English, for storage
    texts.shown(message)                                      # the reader's language, for a page
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

from django.utils.translation import gettext, gettext_noop

from blinatrial.dates import MONTHS, shown_date, shown_datetime

_TEMPLATES: list[str] = []
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def register(*templates: str) -> None:
    """Make stored texts written from these English templates show translated."""
    for template in templates:
        if template not in _TEMPLATES:
            _TEMPLATES.append(template)
            _patterns.cache_clear()


def stored(template: str, **values) -> str:
    """The English text of `template` with `values`, for storage (registers the template too)."""
    register(template)
    return template % values if values else template.replace("%%", "%")


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern, str]]:
    out = []
    # longer templates first: a template that is the start of another does not shadow it
    for template in sorted(_TEMPLATES, key=len, reverse=True):
        parts, pos = [], 0
        for m in _PLACEHOLDER.finditer(template):
            parts.append(re.escape(template[pos:m.start()].replace("%%", "%")))
            parts.append(rf"(?P<{m.group(1)}>.+?)")
            pos = m.end()
        parts.append(re.escape(template[pos:].replace("%%", "%")))
        out.append((re.compile("".join(parts), re.S), template))
    return out


_EN_DATE = re.compile(rf"(\d{{1,2}}) ({'|'.join(MONTHS)}) (\d{{4}})(?: (\d{{2}}):(\d{{2}}))?( UTC)?")


def _value(value: str) -> str:
    """A caught value in the reader's format: an English date (29 Nov 2026, 29 Nov 2026 14:05 UTC) is
    written again; anything else is kept."""
    m = _EN_DATE.fullmatch(value)
    if m is None:
        return _fragment(value)
    day, month, year, hour, minute, utc = m.groups()
    moment = datetime(int(year), MONTHS.index(month) + 1, int(day), int(hour or 0), int(minute or 0), tzinfo=UTC)
    if hour is None:
        return shown_date(moment.date())
    return shown_datetime(moment, "UTC" if utc else "")


def _fragment(value: str) -> str:
    """A caught value that is itself a registered text without placeholders ("The aspirate date")."""
    for pattern, template in _patterns():
        if not _PLACEHOLDER.search(template) and pattern.fullmatch(value):
            return gettext(template)
    return value


def shown(text: str) -> str:
    """A stored English text in the reader's language when a registered template matches it, else unchanged."""
    if not text:
        return text
    for pattern, template in _patterns():
        m = pattern.fullmatch(text)
        if m is not None:
            values = {name: _value(v) for name, v in m.groupdict().items()}
            translated = gettext(template)
            return translated % values if values else translated.replace("%%", "%")
    if ": " in text:  # a chosen reason followed by the person's explanation ("Transcription error: ...")
        head, tail = text.split(": ", 1)
        for pattern, template in _patterns():
            if not _PLACEHOLDER.search(template) and pattern.fullmatch(head):
                return gettext("%(reason)s: %(detail)s") % {"reason": gettext(template), "detail": tail}
    return text


# The texts the integrity app itself stores: audit reasons, query messages, closing notes.
INITIAL_ENTRY = gettext_noop("Initial entry")
QUERY_RAISED = gettext_noop("Query raised")
QUERY_RAISED_BY_CHECK = gettext_noop("Query raised by edit check %(code)s")
QUERY_ANSWERED = gettext_noop("Query answered")
QUERY_REOPENED = gettext_noop("Query re-opened")
QUERY_CLOSED = gettext_noop("Query closed")
CLOSED = gettext_noop("Closed.")
CLOSED_AUTOMATICALLY = gettext_noop("Closed automatically: the data now pass the check.")
CLOSED_RECORD_REMOVED = gettext_noop("Closed automatically: record removed.")
LOCKED = gettext_noop("Locked")
UNLOCKED = gettext_noop("Unlocked: %(reason)s")
REMOVED = gettext_noop("Removed: %(reason)s")
SIGNED_CONTENT_CHANGED = gettext_noop("Signed content changed after signing")
E_SIGNATURE = gettext_noop("E-signature: %(meaning)s")
SOURCE_VERIFIED = gettext_noop("Source data verified")
EDITED_AFTER_VERIFICATION = gettext_noop("Edited after source data verification")
# The lock refusals: locking.lock_message and the database's lock trigger (integrity.lock_triggers) write them.
STUDY_FROZEN = gettext_noop(
    "The study database is frozen (since %(since)s); nothing can be changed until it is unlocked."
)
PARTICIPANT_LOCKED = gettext_noop(
    "Participant %(participant)s is locked (since %(since)s); unlock it with a reason to edit."
)
TIMEPOINT_LOCKED = gettext_noop(
    "Timepoint %(timepoint)s of participant %(participant)s is locked (since %(since)s); unlock it with a reason "
    "to edit."
)
# The reasons for change a form offers (integrity.forms.CHANGE_REASONS): stored in English, shown translated.
CHANGE_REASON_TEXTS = (
    gettext_noop("Transcription error"),
    gettext_noop("Source document corrected"),
    gettext_noop("Late or updated result"),
    gettext_noop("Answer to a data query"),
    gettext_noop("Other"),
)

register(
    INITIAL_ENTRY, QUERY_RAISED, QUERY_RAISED_BY_CHECK, QUERY_ANSWERED, QUERY_REOPENED, QUERY_CLOSED, CLOSED,
    CLOSED_AUTOMATICALLY, CLOSED_RECORD_REMOVED, LOCKED, UNLOCKED, REMOVED, SIGNED_CONTENT_CHANGED, E_SIGNATURE,
    SOURCE_VERIFIED, EDITED_AFTER_VERIFICATION, STUDY_FROZEN, PARTICIPANT_LOCKED, TIMEPOINT_LOCKED,
    *CHANGE_REASON_TEXTS,
)


def shown_refusal(exc_or_text) -> str:
    """A refusal (a lock, an edit conflict) in the reader's language: `shown()` on its English text."""
    method = getattr(exc_or_text, "shown", None)
    if callable(method):
        return method()
    return shown(str(exc_or_text))


# The details of security events (integrity.security_log, integrity.two_factor, enrollment.security_events,
# exports.views): stored in English in the append-only log, shown translated.
SECURITY_DETAILS = (
    gettext_noop("password and second factor"),
    gettext_noop("password"),
    gettext_noop("wrong password"),
    gettext_noop("set at creation"),
    gettext_noop("changed"),
    gettext_noop("wrong code"),
    gettext_noop("replaced"),
    gettext_noop("no reason"),
    gettext_noop("authenticator"),
    gettext_noop("recovery codes"),
    gettext_noop("site %(site)s"),
    gettext_noop("sees every site"),
    gettext_noop("no longer sees every site"),
    # the roles (blinatrial.access), the detail of a role added or removed
    gettext_noop("Site coordinator"),
    gettext_noop("Investigator"),
    gettext_noop("Data manager"),
    gettext_noop("Monitor"),
    gettext_noop("snapshot %(snapshot)s (%(sites)s, cut-off %(cutoff)s)"),
)
register(*SECURITY_DETAILS)


# The automatic edit checks' messages (assessments/checks.py, safety/checks.py, enrollment/edit_checks.py and the
# date rules they use), as they are stored today; the names of dates they put in are translated as fragments.
EDIT_CHECK_TEXTS = (
    gettext_noop(
        "The investigator's response (%(call)s) differs from the derived response (%(derived)s) at %(timepoint)s. "
        "Please check the marrow, blood count and EMD entries, or confirm the call with a comment."
    ),
    gettext_noop("Flow MRD is 'not detected' but no limit of detection (LOD, %%) is entered."),
    gettext_noop("The end-of-cycle %(number)s marrow (%(timepoint)s) is missing: its window closed on %(date)s."),
    gettext_noop(
        "The investigator's grade (%(grade)s) differs from the ASTCT 2019 grade computed from the %(term)s "
        "assessments (%(computed)s). Please check the assessments or the grade."
    ),
    gettext_noop(
        "This grade 5 (fatal) adverse event ends on %(date)s, but no follow-up contact records a death on that "
        "date. Record the death on a follow-up contact, or correct the grade or the date."
    ),
    gettext_noop(
        "A death on %(date)s is recorded, but no grade 5 adverse event ends on that date. Record the fatal adverse "
        "event (grade 5, resolution date = date of death), or correct the date."
    ),
    gettext_noop("This adverse event is serious but no seriousness criterion is ticked."),
    gettext_noop("%(label)s (%(date)s) is before %(anchor)s (%(anchor_date)s)."),
    gettext_noop("%(label)s (%(date)s) is after %(anchor)s (%(anchor_date)s)."),
    # the dates those two name
    gettext_noop("This date"),
    gettext_noop("The aspirate date"),
    gettext_noop("The sample date"),
    gettext_noop("The assessment date"),
    gettext_noop("The contact date"),
    gettext_noop("The relapse date"),
    gettext_noop("The death date"),
    gettext_noop("The transplant date"),
    gettext_noop("The date given"),
    gettext_noop("The visit date"),
    gettext_noop("The date of consent"),
    gettext_noop("The enrollment date"),
    gettext_noop("Day 1"),
    gettext_noop("the screening date"),
    gettext_noop("the date of consent"),
    gettext_noop("the enrollment date"),
    gettext_noop("C1D1 (the first dose)"),
)
register(*EDIT_CHECK_TEXTS)

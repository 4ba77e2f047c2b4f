"""Texts of the treatment rules, kept pure (no Django): a message is its English text, and keeps its template and
values so a page can show it in the reader's language (cycles.shown). Stored texts (automatic queries, audit
reasons) are the English string itself, whatever the language of the request that produced them.

`gettext_noop` and `ngettext_noop` mark a template for makemessages and return it unchanged; a template's values
are named (%(name)s). A date or a window (DateRange) is a value, written in words only when shown.
"""

from dataclasses import dataclass
from datetime import date

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def gettext_noop(text: str) -> str:
    """Marks `text` for translation (makemessages collects it); translated when shown (cycles.shown)."""
    return text


def ngettext_lazy(singular: str, plural: str, number: int, **values) -> "Message":
    """A counted message: English now (the singular or the plural), both forms kept for the page (cycles.shown).
    Named after Django's marker so makemessages collects both forms."""
    return Message(singular if number == 1 else plural, plural_of=(singular, plural, number), **values)


def english_date(day: date) -> str:
    """29 Nov 2026: the English form of a date in a message (blinatrial.dates shows it in the reader's language)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class DateRange:
    """A window of dates, both ends included; English in words: 6–10 Mar 2026, 27 Nov – 3 Dec 2026."""

    start: date
    end: date

    def __str__(self) -> str:
        start, end = self.start, self.end
        if start == end:
            return english_date(start)
        if start.year != end.year:
            return f"{english_date(start)} – {english_date(end)}"
        if start.month != end.month:
            return f"{start.day} {MONTHS[start.month - 1]} – {english_date(end)}"
        return f"{start.day}–{english_date(end)}"


def english_value(value) -> str:
    if isinstance(value, date):
        return english_date(value)
    return str(value)


class Message(str):
    """An English message (the string itself, compared and stored as before) that keeps its template and values."""

    template: str
    values: dict
    plural_of: tuple[str, str, int] | None  # a counted message: (singular, plural, the number)

    def __new__(cls, template: str, *, plural_of: tuple[str, str, int] | None = None, **values):
        english = template % {k: english_value(v) for k, v in values.items()} if values else template
        obj = super().__new__(cls, english)
        obj.template, obj.values, obj.plural_of = template, values, plural_of
        return obj

    def __reduce__(self):
        return str, (str(self),)

"""The treatment rules' messages and windows in the reader's language (cycles.text keeps them pure and English)."""

from datetime import date

from django.utils import translation
from django.utils.translation import gettext, ngettext

from blinatrial.dates import shown_date
from cycles.text import DateRange, Message


def _chinese() -> bool:
    return (translation.get_language() or "").lower().startswith("zh")


def date_range(window: DateRange) -> str:
    """A window without repeating what both ends share: 6–10 Mar 2026, or 2026年3月6日–10日 in Chinese."""
    if not _chinese():
        return str(window)
    start, end = window.start, window.end
    if start == end or start.year != end.year:
        return shown_date(start) if start == end else f"{shown_date(start)}–{shown_date(end)}"
    if start.month != end.month:
        return f"{shown_date(start)}–{end.month}月{end.day}日"
    return f"{shown_date(start)}–{end.day}日"


def value(item) -> str:
    if isinstance(item, Message):
        return shown(item)
    if isinstance(item, DateRange):
        return date_range(item)
    if isinstance(item, date):
        return shown_date(item)
    return str(item)


def shown(text) -> str:
    """A rule's message in the active language; any other text (data, an empty string) as it is."""
    if isinstance(text, DateRange):
        return date_range(text)
    if not isinstance(text, Message):
        return text
    template = ngettext(*text.plural_of) if text.plural_of is not None else gettext(text.template)
    if not text.values:
        return template
    return template % {k: value(v) for k, v in text.values.items()}

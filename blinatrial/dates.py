"""How a person reads a date or a time, on every page and in every message: 29 Nov 2026, 29 Nov 2026 14:05.

The one place for the display format (pure, no Django, so the rules modules' messages use it too). Templates
use Django's `date` filter, whose DATE_FORMAT comes from here (blinatrial/formats/en_GB/formats.py), and the
`when` filter (blinatrial/template_dates.py) for a date-time with its zone. Machine formats (exports, the API,
form input values, URLs, stored JSON) stay ISO 8601 and do not come from here.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime

# Django's date-format syntax of the same text, for the templates' `date` filter (a test keeps both in step).
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
# The same in Simplified Chinese: 2026年11月29日, 2026年11月29日 14:05 (blinatrial/formats/zh_Hans).
ZH_DATE_FORMAT = "Y年n月j日"
ZH_DATETIME_FORMAT = "Y年n月j日 H:i"

# The active interface language ("zh-hans", "en-gb", None), asked at each call; settings point it at Django's
# translation.get_language, so this module stays free of Django.
def _no_language() -> str | None:
    return None


_language_source: Callable[[], str | None] = _no_language


def set_language_source(source: Callable[[], str | None]) -> None:
    global _language_source
    _language_source = source


def _chinese() -> bool:
    return (_language_source() or "").lower().startswith("zh")

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def shown_date(day: date | None) -> str:
    """29 Nov 2026, or 2026年11月29日 in Chinese (a date-time shows its date); "" for no date."""
    if day is None:
        return ""
    if _chinese():
        return f"{day.year}年{day.month}月{day.day}日"
    return english_date(day)


def english_date(day: date) -> str:
    """29 Nov 2026, whatever the active language (what a stored English message holds)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def shown_datetime(moment: datetime | None, zone: str = "") -> str:
    """29 Nov 2026 14:05, followed by the zone's name when given (the moment is already in that zone)."""
    if moment is None:
        return ""
    text = f"{shown_date(moment)} {moment:%H:%M}"
    return f"{text} {zone}" if zone else text


def shown_utc(moment: datetime | None) -> str:
    """An aware date-time in UTC, saying so: 29 Nov 2026 06:05 UTC."""
    if moment is None:
        return ""
    return shown_datetime(moment.astimezone(UTC), "UTC")

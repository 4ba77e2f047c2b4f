"""How a person reads a date or a time, on every page and in every message: 29 Nov 2026, 29 Nov 2026 14:05.

The one place for the display format (pure, no Django, so the rules modules' messages use it too). Templates
use Django's `date` filter, whose DATE_FORMAT comes from here (blinatrial/formats/en_GB/formats.py), and the
`when` filter (blinatrial/template_dates.py) for a date-time with its zone. Machine formats (exports, the API,
form input values, URLs, stored JSON) stay ISO 8601 and do not come from here.
"""

from datetime import UTC, date, datetime

# Django's date-format syntax of the same text, for the templates' `date` filter (a test keeps both in step).
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def shown_date(day: date | None) -> str:
    """29 Nov 2026 (a date-time shows its date); "" for no date."""
    if day is None:
        return ""
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

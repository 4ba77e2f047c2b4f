"""Dates and times on pages: the `when` filter (built into every template) and the footer's time-zone note.

    {{ segment.started_at|when }}      29 Nov 2026 14:05 Asia/Shanghai: in the zone of the user's one site
                                       (SiteTimeZoneMiddleware), else in the zone active for the request (a record's
                                       form activates its site's zone, integrity.recording), always named
    {{ event.occurred_at|when:"UTC" }} 29 Nov 2026 06:05 UTC
"""

import contextvars
import datetime
import zoneinfo

from django import template
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from blinatrial.access import display_zone
from blinatrial.dates import shown_datetime
from blinatrial.time_zones import is_time_zone

register = template.Library()

# The zone of the signed-in user's one site, for this request only (set and reset by SiteTimeZoneMiddleware). Only
# what pages show follows it: dates computed by the code (today, cut-offs, calendars) keep Django's time zone.
DISPLAY_ZONE: contextvars.ContextVar[str | None] = contextvars.ContextVar("display_zone", default=None)


def usable_zone(user) -> tuple[str, str] | None:
    site = display_zone(user)
    return site if site is not None and is_time_zone(site[1]) else None


@register.filter
def when(value, zone: str = ""):
    if not isinstance(value, datetime.datetime):
        return value if value not in (None, "") else ""
    if timezone.is_naive(value):
        return shown_datetime(value)
    if zone == "UTC":
        return shown_datetime(value.astimezone(datetime.UTC), "UTC")
    shown_zone = DISPLAY_ZONE.get()
    if shown_zone is not None:
        return shown_datetime(value.astimezone(zoneinfo.ZoneInfo(shown_zone)), shown_zone)
    return shown_datetime(timezone.localtime(value), timezone.get_current_timezone_name())


def time_zone_note(request: HttpRequest) -> dict:
    """Context processor: the footer's words for the zone of the times on the page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"time_zone_note": gettext("times name their zone")}
    site = usable_zone(user)
    if site is not None:
        return {"time_zone_note": gettext("times in %(zone)s (site %(site)s)") % {"zone": site[1], "site": site[0]}}
    return {"time_zone_note": gettext("times in each record's site zone on its form; every time names its zone")}

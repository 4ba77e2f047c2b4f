"""The IANA time zone names, read from the system's database once per process.

`zoneinfo.available_timezones()` walks the zoneinfo directory on every call (about 600 files): it was a third
of a form's rendering time. The set cannot change while the process runs without the process being restarted
to see it (a tzdata upgrade), so it is read once.
"""

import zoneinfo
from functools import cache


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    """Is `name` an IANA time zone this machine knows (e.g. "Asia/Shanghai")?"""
    return name in time_zone_names()

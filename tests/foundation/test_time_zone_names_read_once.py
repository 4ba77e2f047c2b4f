"""The time zone names are read from the system once per process (issue 18: `zoneinfo.available_timezones()`
walks the zoneinfo directory on each call, a third of a form's rendering time), and still answer correctly."""

import zoneinfo

import pytest

from blinatrial import time_zones


@pytest.fixture
def reads(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = zoneinfo.available_timezones

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(zoneinfo, "available_timezones", counting)
    time_zones.time_zone_names.cache_clear()
    yield calls
    time_zones.time_zone_names.cache_clear()


def test_the_names_are_read_once_for_many_questions(reads):
    answers = [time_zones.is_time_zone(name) for name in ("Asia/Shanghai", "Europe/Berlin", "Mars/Olympus") * 5]

    assert answers == [True, True, False] * 5
    assert len(reads) == 1


@pytest.mark.parametrize("name", ["UTC", "Asia/Shanghai", "America/New_York"])
def test_real_zones_are_known(reads, name):
    assert time_zones.is_time_zone(name)


@pytest.mark.parametrize("name", ["", "Asia/Peking ", "asia/shanghai", "+08:00", "../etc/passwd"])
def test_other_text_is_not_a_zone(reads, name):
    assert not time_zones.is_time_zone(name)


@pytest.mark.django_db
def test_pages_of_a_one_site_user_read_the_names_at_most_once(reads, coordinator_client):
    """The footer and every time shown follow the coordinator's site zone (SiteTimeZoneMiddleware), which is
    checked against the names on each request: from the cache, not the disk."""
    from django.urls import reverse

    for _ in range(3):
        assert coordinator_client.get(reverse("home")).status_code == 200

    assert len(reads) <= 1

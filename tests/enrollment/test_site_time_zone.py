"""Each site has a time zone: date-times are entered and shown in the participant's site zone, with the zone
printed next to the field, and stored in UTC."""

import datetime
import re
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blinatrial import access
from cycles.models import BlinatumomabSegment
from enrollment.models import Site
from tests.factories.cycles import start_cycle
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory, SiteFactory, UserFactory
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _cycle_at(site):
    today = timezone.localdate()
    screening = ScreeningFactory(site=site, screened_on=today - datetime.timedelta(days=60), status="enrolled")
    participant = ParticipantFactory(screening=screening)
    coordinator = UserFactory(username=f"coord_{site.code}", role=access.COORDINATOR, sites=[site])
    cycle = start_cycle(participant, today - datetime.timedelta(days=5), coordinator)
    return cycle, force_verified_login(Client(), coordinator)


def _post_segment(client, cycle, local: str):
    data = {"started_at": local, "stopped_at": "", "rate_mcg_per_day": "9", "stop_reason": ""}
    response = client.post(reverse("cycles:segment-add", args=[cycle.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    return BlinatumomabSegment.objects.get(cycle=cycle)


def test_local_time_at_a_shanghai_site_stored_as_utc_and_shown_back_in_its_zone():
    site = SiteFactory(code="31", name="Shanghai hospital", time_zone="Asia/Shanghai")
    cycle, client = _cycle_at(site)
    local = datetime.datetime.combine(cycle.day1_on, datetime.time(8, 30))

    segment = _post_segment(client, cycle, f"{local:%Y-%m-%dT%H:%M}")

    # 08:30 in Shanghai (UTC+8, no daylight saving) is 00:30 UTC the same day
    expected = local.replace(tzinfo=SHANGHAI).astimezone(datetime.UTC)
    assert (expected.hour, expected.minute) == (0, 30)
    assert segment.started_at == expected
    html = client.get(reverse("cycles:segment-edit", args=[segment.pk])).content.decode()
    assert re.search(rf'name="started_at" value="{local:%Y-%m-%dT%H:%M}"', html)
    zone_note = re.search(r'data-testid="time-zone-started_at">(.*?)</span>', html)
    assert zone_note and "Asia/Shanghai" in zone_note.group(1)
    assert "Start (Asia/Shanghai)" in html


def test_the_same_wall_time_at_a_utc_site_is_stored_unchanged():
    site = SiteFactory(code="32", name="UTC hospital", time_zone="UTC")
    cycle, client = _cycle_at(site)
    local = datetime.datetime.combine(cycle.day1_on, datetime.time(8, 30))

    segment = _post_segment(client, cycle, f"{local:%Y-%m-%dT%H:%M}")

    assert segment.started_at == local.replace(tzinfo=datetime.UTC)


def test_a_new_site_takes_the_settings_zone_and_an_unknown_zone_is_refused(settings):
    assert settings.SITE_TIME_ZONE == "Asia/Shanghai"  # the trial's sites are in China
    assert Site.objects.create(code="33", name="New hospital").time_zone == "Asia/Shanghai"
    settings.SITE_TIME_ZONE = "Europe/Berlin"
    assert Site.objects.create(code="34", name="Berlin hospital").time_zone == "Europe/Berlin"
    with pytest.raises(ValidationError) as refused:
        Site(code="35", name="Nowhere", time_zone="Mars/Olympus").full_clean()
    assert "not a time zone name" in str(refused.value)

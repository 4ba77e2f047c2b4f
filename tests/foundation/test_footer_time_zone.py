"""The footer says the truth about times (issue 17): a user of one site sees every page's times in that site's
zone, named in the footer and after each time; a user of several sites is told each record's form uses its site's
zone and every time names its zone. The site and its zone come with the user's one query (blinatrial.auth)."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blinatrial import access
from enrollment.models import StaffProfile
from tests.factories.cycles import CycleFactory, SegmentFactory
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory, SiteFactory, UserFactory
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def segment():
    site = SiteFactory(code="07", name="Shanghai hospital", time_zone="Asia/Shanghai")
    screening = ScreeningFactory(site=site, status="enrolled", screened_on=datetime.date(2026, 11, 20))
    cycle = CycleFactory(participant=ParticipantFactory(screening=screening), day1_on=datetime.date(2026, 11, 29))
    return SegmentFactory(cycle=cycle, started_at=datetime.datetime(2026, 11, 29, 6, 5, tzinfo=datetime.UTC))


def _footer(html: str) -> str:
    return unescape(re.search(r'data-testid="time-zone-note">(.*?)</span>', html).group(1))


def test_a_user_of_one_site_reads_times_in_its_zone_named_in_the_footer(segment):
    coordinator = UserFactory(username="coord_07", role=access.COORDINATOR, sites=[segment.cycle.participant.site])
    client = force_verified_login(Client(), coordinator)

    home = client.get(reverse("home")).content.decode()
    cycle_page = client.get(reverse("cycles:cycle-detail", args=[segment.cycle.pk])).content.decode()

    assert _footer(home) == "times in Asia/Shanghai (site 07)"
    assert "UTC" not in _footer(home)
    assert "29 Nov 2026 14:05 Asia/Shanghai" in cycle_page  # 06:05 UTC is 14:05 in Shanghai


def test_a_user_of_every_site_is_told_each_time_names_its_zone(segment):
    SiteFactory(code="08", time_zone="Europe/Berlin")
    manager = UserFactory(username="dm_all", role=access.DATA_MANAGER)
    StaffProfile.objects.create(user=manager, all_sites=True)
    client = force_verified_login(Client(), manager)

    cycle_page = client.get(reverse("cycles:cycle-detail", args=[segment.cycle.pk])).content.decode()

    assert _footer(cycle_page) == "times in each record's site zone on its form; every time names its zone"
    assert "29 Nov 2026 06:05 UTC" in cycle_page


def test_the_footer_costs_no_query_beyond_the_users_own(segment):
    coordinator = UserFactory(username="coord_07b", role=access.COORDINATOR, sites=[segment.cycle.participant.site])
    client = force_verified_login(Client(), coordinator)
    client.get(reverse("account-security"))  # the session's first touch
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("home")).content.decode()
    assert _footer(html) == "times in Asia/Shanghai (site 07)"
    reading_zones = [q["sql"] for q in captured.captured_queries if "'time_zone'" in q["sql"]]
    assert len(reading_zones) == 1 and '"auth_user"' in reading_zones[0]  # only the user's one statement

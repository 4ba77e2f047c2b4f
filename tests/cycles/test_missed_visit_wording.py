"""A visit whose window has closed with nothing recorded reads "Overdue — not recorded", and one recorded as missed
reads "Missed: <reason>", on the calendar, the due-visits page and the coordinator's home work list (issue 17)."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from cycles import services
from tests.factories.cycles import start_cycle
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db

# Cycle 1 from 2 Mar 2026, seen on 20 Mar: day 1 (2 Mar) has no record and no dose, day 8 (8-10 Mar) was missed,
# day 15 (14-18 Mar) was done on 16 Mar, day 22 (21-25 Mar) is to come.
DAY1 = datetime.date(2026, 3, 2)
ON_20_MARCH = datetime.datetime(2026, 3, 20, 12, tzinfo=datetime.UTC)


@pytest.fixture
def cycle(site_a, coordinator):
    screening = ScreeningFactory(site=site_a, screened_on=datetime.date(2026, 2, 20), status="enrolled")
    cycle = start_cycle(ParticipantFactory(screening=screening), DAY1, coordinator)
    services.record_visit(cycle=cycle, visit_code="D8", user=coordinator, missed_reason="Participant in ICU")
    services.record_visit(cycle=cycle, visit_code="D15", user=coordinator, visited_on=datetime.date(2026, 3, 16))
    return cycle


def _status(page: str, row_testid: str) -> str:
    row = page.split(f'data-testid="{row_testid}"')[1].split("</tr>")[0]
    return re.search(r'data-testid="visit-status">([^<]*)<', row).group(1)


def _get(client, user, url) -> str:
    with time_machine.travel(ON_20_MARCH, tick=False):
        force_verified_login(client, user)
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_calendar_says_overdue_not_recorded_and_missed_with_its_reason(client, coordinator, cycle):
    page = _get(client, coordinator, reverse("cycles:participant-calendar", args=[cycle.participant_id]))

    assert _status(page, "visit-1-D1") == "Overdue — not recorded"
    assert _status(page, "visit-1-D8") == "Missed: Participant in ICU"
    assert _status(page, "visit-1-D15") == "Done"
    assert _status(page, "visit-1-D22") == "Upcoming"


def test_the_due_visits_page_says_the_same(client, coordinator, cycle):
    due = _get(client, coordinator, reverse("cycles:due-visits"))
    rows = re.findall(r'<tr data-testid="due-row">(.*?)</tr>', due, re.S)
    assert len(rows) == 1  # only day 1: day 8 is settled (missed, with its reason), day 15 done
    assert "<td>Day 1</td>" in rows[0] and 'data-testid="visit-status">Overdue — not recorded<' in rows[0]

    everything = _get(client, coordinator, reverse("cycles:due-visits") + "?show=all")
    day8 = next(r for r in re.findall(r'<tr data-testid="due-row">(.*?)</tr>', everything, re.S) if "Day 8" in r)
    assert 'data-testid="visit-status">Missed: Participant in ICU<' in day8


def test_the_home_work_list_says_overdue_not_recorded(client, coordinator, cycle):
    page = _get(client, coordinator, reverse("home"))

    body = page.split('data-testid="work-visits-due"')[1].split("</section>")[0]
    items = re.findall(r'data-testid="work-item">\s*<a href="[^"]+">([^<]+)</a>\s*<span[^>]*>([^<]+)</span>', body)
    pid = cycle.participant.participant_id
    assert items == [(f"{pid} · Cycle 1 · Day 1", "overdue — not recorded: its window closed 2 Mar 2026")]

"""Once cycle 1 is under way, the casebook, the calendar and the coordinator's home work list prompt cycle 2's due
date and window, linking to "Start cycle 2"; never for a participant off study, nor after the last cycle (issue 17)."""

import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse

from cycles import rules
from enrollment import services as enrollment_services
from tests.factories.cycles import start_cycle
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db

# Cycle 1 from Monday 2 Mar 2026 (28 days): cycle 2 is due on 30 Mar, from 27 Mar (-3 days) to 2 Apr (+3 days).
DAY1 = datetime.date(2026, 3, 2)
PROMPT = "Cycle 2 due 30 Mar 2026 (window 27 Mar – 2 Apr 2026)"


def _at(day: int, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 12, tzinfo=datetime.UTC)


@pytest.fixture
def participant(site_a, coordinator):
    screening = ScreeningFactory(site=site_a, screened_on=datetime.date(2026, 2, 20), status="enrolled")
    participant = ParticipantFactory(screening=screening)
    start_cycle(participant, DAY1, coordinator)
    return participant


def _page(client, user, url, when) -> str:
    with time_machine.travel(when, tick=False):
        force_verified_login(client, user)
        response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _prompt(page: str) -> str | None:
    found = re.search(r'data-testid="next-cycle-due">(.*?)</div>', page, re.S)
    return " ".join(found.group(1).split()) if found else None


def _cycles_to_start(page: str) -> list[tuple[str, str, str]]:
    body = page.split('data-testid="work-cycles-due"')[1].split("</section>")[0]
    items = re.findall(r'data-testid="work-item">\s*<a href="([^"]+)">([^<]+)</a>\s*<span[^>]*>([^<]+)</span>', body)
    assert all(href.endswith("?next=%2F") for href, _, _ in items), items  # back home after starting the cycle
    return [(href.removesuffix("?next=%2F"), label, note) for href, label, note in items]


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (datetime.date(2026, 3, 26), "upcoming"),
        (datetime.date(2026, 3, 27), "due"),  # the window's first day
        (datetime.date(2026, 4, 2), "due"),  # its last day
        (datetime.date(2026, 4, 3), "overdue"),
    ],
)
def test_the_rule_gives_cycle_2_its_due_date_and_window_from_cycle_1s_actual_day_1(today, status):
    due = rules.next_cycle_due("on_treatment", 1, DAY1, today)
    assert due == rules.NextCycleDue(
        2, datetime.date(2026, 3, 30), datetime.date(2026, 3, 27), datetime.date(2026, 4, 2), status
    )
    assert due.text == PROMPT


@pytest.mark.parametrize(
    ("status", "last_number"), [("off_study", 1), ("follow_up", 1), ("on_treatment", 2), ("enrolled", None)]
)
def test_the_rule_prompts_nothing_off_study_in_follow_up_after_the_last_cycle_or_before_cycle_1(status, last_number):
    assert rules.next_cycle_due(status, last_number, DAY1 if last_number else None, datetime.date(2026, 3, 28)) is None


def test_the_casebook_prompts_cycle_2_with_its_start_link(client, coordinator, participant):
    page = _page(client, coordinator, reverse("enrollment:participant-detail", args=[participant.pk]), _at(28))

    prompt = _prompt(page)
    assert prompt.startswith(f"<span>{PROMPT} — the window is open</span>")
    start = reverse("cycles:cycle-start", args=[participant.pk])
    assert f'href="{start}" data-testid="casebook-start-cycle">Start cycle 2</a>' in prompt


def test_the_calendar_prompts_cycle_2_before_its_window_opens(client, coordinator, participant):
    page = _page(client, coordinator, reverse("cycles:participant-calendar", args=[participant.pk]), _at(20))
    assert _prompt(page) == f"<span>{PROMPT}</span>"
    assert 'data-testid="start-cycle">Start cycle 2</a>' in page


def test_the_home_work_list_lists_cycle_2_once_its_window_opens_and_late_once_it_closes(
    client, coordinator, participant
):
    start = reverse("cycles:cycle-start", args=[participant.pk])
    pid = participant.participant_id
    assert _cycles_to_start(_page(client, coordinator, reverse("home"), _at(26))) == []
    assert _cycles_to_start(_page(client, coordinator, reverse("home"), _at(27))) == [
        (start, f"{pid} · Start cycle 2", "due 30 Mar 2026 (window 27 Mar – 2 Apr 2026)")
    ]
    assert _cycles_to_start(_page(client, coordinator, reverse("home"), _at(3, month=4))) == [
        (start, f"{pid} · Start cycle 2", "late: due 30 Mar 2026 (window 27 Mar – 2 Apr 2026)")
    ]


def test_nothing_is_prompted_for_a_participant_off_study(client, coordinator, participant):
    enrollment_services.take_off_study(participant=participant, on=datetime.date(2026, 3, 16),
                                       reason_code="consent_withdrawn", user=coordinator)

    for url in (reverse("enrollment:participant-detail", args=[participant.pk]),
                reverse("cycles:participant-calendar", args=[participant.pk])):
        assert _prompt(_page(client, coordinator, url, _at(28))) is None
    assert _cycles_to_start(_page(client, coordinator, reverse("home"), _at(28))) == []


def test_nothing_is_prompted_once_cycle_2_has_started(client, coordinator, participant):
    start_cycle(participant, datetime.date(2026, 3, 30), coordinator)

    page = _page(client, coordinator, reverse("enrollment:participant-detail", args=[participant.pk]), _at(4, month=4))
    assert _prompt(page) is None
    assert _cycles_to_start(_page(client, coordinator, reverse("home"), _at(4, month=4))) == []

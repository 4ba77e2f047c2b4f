"""Each role's day in a real browser: from the home work list into a form, through the status matrix into a
timepoint, and back home. One browser session per role; a screenshot of each step in
test-artifacts/journeys/<role>-<step>.png (git-ignored)."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from integrity.models import QueryStatus
from tests.browser import login
from tests.factories.assessments import FlowMrdFactory, MarrowFactory, ResponseCallFactory
from tests.factories.cycles import start_cycle
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory
from tests.factories.integrity import DataQueryFactory
from tests.factories.safety import AdverseEventFactory

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "journeys"

# role fixture -> (the work list whose first item it opens, what the page it lands on shows)
JOURNEYS = {
    # (each link carries the page it is on: after a save the form returns there, next=/ being home)
    "coordinator": ("visits-due", re.compile(r"/cycles/cycle/\d+/visit/D1/\?next=%2F$")),
    "investigator": ("signatures-waiting", re.compile(r"/integrity/sign/\d+/\?timepoint=EOC1&next=%2F$")),
    "data_manager": ("queries-live", re.compile(r"/integrity/queries/\d+/\?next=%2F$")),
    "monitor": ("sdv-waiting", re.compile(r"/enrollment/screening/\d+/edit/\?next=%2F$")),
}


@pytest.fixture
def day_of_work(site_a, monitor):
    """A participant late in cycle 1 (visits overdue, an open query), one with a complete, unsigned EOC1."""
    late = ParticipantFactory(screening=ScreeningFactory(site=site_a, status="enrolled"))
    start_cycle(late, late.enrolled_on + datetime.timedelta(days=1))
    done = ParticipantFactory(screening=ScreeningFactory(site=site_a, status="enrolled"))
    marrow = MarrowFactory(participant=done)
    FlowMrdFactory(marrow=marrow)
    ResponseCallFactory(marrow=marrow)
    DataQueryFactory(record=late.screening, participant=late, site=site_a, field_name="initials", raised_by=monitor,
                     status=QueryStatus.OPEN)
    AdverseEventFactory(participant=late, serious=True, sae_hospitalisation=True,
                        aware_at=timezone.now() - datetime.timedelta(days=2))
    return late


def _shot(page, role: str, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{role}-{step}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(JOURNEYS))
def test_role_goes_from_work_list_to_form_through_matrix_and_back(live_server, page, request, password, day_of_work,
                                                                  role):
    user = request.getfixturevalue(role)
    work_list, lands_on = JOURNEYS[role]
    login(page, live_server.url, user.username, password)
    assert page.url == live_server.url + reverse("home")

    # 1. The home page is the role's work list.
    items = page.locator(f'[data-testid="work-{work_list}"] [data-testid="work-item"] a')
    assert items.count() >= 1
    _shot(page, role, "1-home")

    # 2. Its first item opens the form or page that settles it.
    items.first.click()
    page.wait_for_load_state("load")
    assert lands_on.search(page.url), page.url
    assert page.locator("main h1").count() == 1
    _shot(page, role, "2-item")

    # 3. The status matrix, from the menu: the participant's row, a cell in words.
    page.get_by_role("link", name="Status matrix").first.click()
    page.wait_for_load_state("load")
    row = page.locator(f'tr[data-participant="{day_of_work.participant_id}"]')
    assert row.count() == 1
    cycle_cell = row.locator('td[data-column="C1"] a')
    assert cycle_cell.inner_text().strip() == "incomplete"
    _shot(page, role, "3-matrix")

    # 4. The cell opens its timepoint.
    cycle_cell.click()
    page.wait_for_load_state("load")
    assert re.search(r"/cycles/cycle/\d+/\?next=%2Fassessments%2Fmatrix%2F$", page.url), page.url
    assert page.locator("main h1").inner_text().startswith(f"{day_of_work.participant_id} · cycle 1")
    _shot(page, role, "4-timepoint")

    # 5. And back home.
    page.get_by_role("link", name="BlinaTrial EDC").first.click()
    page.wait_for_load_state("load")
    assert page.url == live_server.url + reverse("home")
    assert page.locator('[data-testid="work-lists"]').count() == 1
    _shot(page, role, "5-home-again")

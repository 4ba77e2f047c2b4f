"""The home page's work lists read a fixed number of queries, from 20 to 2,000 participants, for every role; the
coordinator's cycles to start (issue 17, visit windows) among them, with every bulk participant on it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cycles import services as cycle_services
from cycles.models import Cycle
from enrollment.models import Consent, Participant, ScreeningRecord
from integrity import edit_checks
from integrity.models import DataQuery, LockScope
from tests.factories.assessments import FlowMrdFactory, MarrowFactory, ResponseCallFactory
from tests.factories.cycles import CycleFactory, start_cycle
from tests.factories.enrollment import ConsentFactory, ParticipantFactory, ScreeningFactory
from tests.factories.integrity import DataQueryFactory, LockFactory
from tests.factories.safety import AdverseEventFactory

HOME = reverse("home")
# Session, user, roles, second factor, sites; then each list's own reads (the matrix once for all; the monitor's
# records not yet verified: one query per form with critical values and one for the marks, no matrix).
MAX_QUERIES = {"coordinator": 31, "investigator": 24, "data_manager": 14, "monitor": 17}


def _bulk_participants(site, n: int, start: int) -> None:
    """n enrolled participants with screening, consent and a started cycle 1, in four INSERT statements."""
    screened_on = datetime.date.today() - datetime.timedelta(days=60)
    screenings = ScreeningRecord.objects.bulk_create([
        ScreeningFactory.build(site=site, status="enrolled", screened_on=screened_on, screening_number=f"B{start + i}")
        for i in range(n)
    ])
    Consent.objects.bulk_create([ConsentFactory.build(screening=s) for s in screenings])
    participants = Participant.objects.bulk_create([
        ParticipantFactory.build(screening=s, site=site, sequence=start + i, participant_id=f"{site.code}-{start + i}")
        for i, s in enumerate(screenings)
    ])
    Cycle.objects.bulk_create([CycleFactory.build(participant=p) for p in participants])


@pytest.fixture
def worked(site_a, monitor):
    """One participant with something on every list (cycle 1 started 57 days ago: cycle 2 is late to start, and
    its day 8 visit was recorded 12 days after its window, a protocol-deviation query)."""
    participant = ParticipantFactory(screening=ScreeningFactory(site=site_a, status="enrolled"))
    cycle = start_cycle(participant, participant.enrolled_on + datetime.timedelta(days=1))
    marrow = MarrowFactory(participant=participant)
    FlowMrdFactory(marrow=marrow)
    call = ResponseCallFactory(marrow=marrow)
    for record in (marrow, cycle, participant.screening):
        DataQueryFactory(record=record, participant=participant, site=site_a, field_name="x", raised_by=monitor)
    DataQueryFactory(record=call, participant=participant, site=site_a, field_name="response", check_code="RSP_DIFF",
                     raised_by=None)
    AdverseEventFactory(participant=participant, serious=True, sae_hospitalisation=True,
                        aware_at=timezone.now() - datetime.timedelta(days=2))
    LockFactory(scope=LockScope.TIMEPOINT, participant=participant, timepoint="EOC1", reason="clean")
    cycle_services.record_visit(cycle=cycle, visit_code="D8", visited_on=cycle.day1_on + datetime.timedelta(days=20),
                                user=None)
    edit_checks.run_for_participant(participant)
    assert DataQuery.objects.filter(check_code="VISIT_OUTSIDE_WINDOW").count() == 1
    return participant


@pytest.mark.parametrize("n", [20, 2000])
@pytest.mark.parametrize("role", list(MAX_QUERIES))
def test_home_query_count_does_not_grow_with_participants(
    request, site_a, worked, django_assert_max_num_queries, n, role
):
    client = request.getfixturevalue(f"{role}_client")
    _bulk_participants(site_a, n, start=10_000)
    with django_assert_max_num_queries(MAX_QUERIES[role]):
        response = client.get(HOME)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="work-item"') > 0
    if role == "coordinator":  # every participant's cycle 1 started more than 31 days ago: cycle 2 is late
        cycles_due = page.split('data-testid="work-cycles-due"')[1].split("</section>")[0]
        assert f'data-testid="work-count">{n + 1}<' in cycles_due
        assert cycles_due.count('data-testid="work-item"') == 10

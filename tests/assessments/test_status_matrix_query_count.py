"""The status matrix reads its data in a fixed number of queries, whatever the number of participants (20 or
2,000), source data verification included: the critical values of the screening, EOC and follow-up forms and
their marks are read in one query per form and one for the marks."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from enrollment.models import Consent, Participant, ScreeningRecord
from integrity import verification
from integrity.models import LockScope, SourceVerification
from tests.factories.assessments import FlowMrdFactory, MarrowFactory, ResponseCallFactory
from tests.factories.cycles import start_cycle
from tests.factories.enrollment import ConsentFactory, ParticipantFactory, ScreeningFactory
from tests.factories.integrity import DataQueryFactory, LockFactory

URL = reverse("assessments:status-matrix")
# session, user, roles, sites, page count and rows, then the matrix's own reads (21 with a cold content-type
# cache), and 7 for source data verification: the critical values of six forms, their marks.
MAX_QUERIES = 28


def _bulk_participants(site, n: int, start: int, monitor) -> None:
    """n enrolled participants with screening and consent, the eligibility verified (a whole-form mark on
    each screening record), in four INSERT statements."""
    screened_on = datetime.date.today() - datetime.timedelta(days=60)
    enrolled_on = screened_on + datetime.timedelta(days=2)
    screenings = ScreeningRecord.objects.bulk_create([
        ScreeningFactory.build(site=site, status="enrolled", screened_on=screened_on, screening_number=f"B{start + i}")
        for i in range(n)
    ])
    Consent.objects.bulk_create([ConsentFactory.build(screening=s) for s in screenings])
    # Built without ParticipantFactory: 2,000 builds per test would move its sequence into the range other
    # modules bulk-create (10,000 and up), and a later factory participant would take one of their IDs.
    participants = Participant.objects.bulk_create([
        Participant(screening=s, site=site, sequence=start + i, participant_id=f"{site.code}-{start + i}",
                    enrolled_on=enrolled_on, status_on=enrolled_on, height_cm=170, weight_kg=70)
        for i, s in enumerate(screenings)
    ])
    screening_type = ContentType.objects.get_for_model(ScreeningRecord)
    SourceVerification.objects.bulk_create([
        SourceVerification(content_type=screening_type, object_id=s.pk, participant=p, site=site, verified_by=monitor,
                           verified_at=timezone.now(), row_version=s.row_version)
        for s, p in zip(screenings, participants, strict=True)
    ])


@pytest.fixture
def charted(site_a, monitor):
    """One participant with every kind of fact the matrix reads, its end of cycle 1 verified."""
    participant = ParticipantFactory(screening=ScreeningFactory(site=site_a, status="enrolled"))
    cycle = start_cycle(participant, participant.enrolled_on + datetime.timedelta(days=1))
    marrow = MarrowFactory(participant=participant)
    flow, call = FlowMrdFactory(marrow=marrow), ResponseCallFactory(marrow=marrow)
    for record in (marrow, cycle, cycle.administrations.first(), participant.screening):
        DataQueryFactory(record=record, participant=participant, site=site_a, field_name="x")
    for record in (marrow, flow, call):
        verification.verify(user=monitor, record=record)
    LockFactory(scope=LockScope.TIMEPOINT, participant=participant, timepoint="EOC1", reason="clean")
    return participant


@pytest.mark.parametrize("n", [20, 2000])
@pytest.mark.parametrize(
    ("query", "rows_shown"),
    [
        ({}, lambda total: min(50, total)),
        ({"state": "open_query"}, lambda total: 1),
        # every screening is verified (the charted one's screening is not, its EOC1 is)
        ({"state": "verified"}, lambda total: total),
        # every participant has a cell not started; page 2 of 21 rows is the last page, page 1
        ({"state": "not_started", "page": "2"}, lambda total: total - 50 if total > 50 else total),
    ],
)
def test_matrix_query_count_does_not_grow_with_participants(
    coordinator_client, site_a, monitor, charted, django_assert_max_num_queries, n, query, rows_shown
):
    _bulk_participants(site_a, n, start=900_000, monitor=monitor)  # clear of the factory sequence
    with django_assert_max_num_queries(MAX_QUERIES):
        response = coordinator_client.get(URL, query)
    assert response.status_code == 200
    assert response.content.decode().count("data-participant=") == min(50, rows_shown(n + 1))

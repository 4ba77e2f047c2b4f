"""Speed at trial scale: the SAE list, a participant's AE log and the casebook run the same number of SQL queries
with 20 and with 2,000 participants, each with a serious adverse event (issue 15, acceptance 7)."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollment.models import Participant, ScreeningRecord
from safety.models import AdverseEvent
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory
from tests.factories.safety import AdverseEventFactory, SaeFollowUpReportFactory
from tests.safety.conftest import days_ago

pytestmark = pytest.mark.django_db
URL = reverse("safety:sae-list")


def _bulk_participants_with_an_sae(site, n: int, start: int) -> None:
    """n enrolled participants, each with one serious AE (three bulk INSERTs)."""
    screenings = ScreeningRecord.objects.bulk_create([
        ScreeningFactory.build(
            site=site, status="enrolled", screened_on=days_ago(100), screening_number=f"Q{start + i}"
        )
        for i in range(n)
    ])
    participants = Participant.objects.bulk_create([
        ParticipantFactory.build(screening=s, site=site, sequence=start + i, participant_id=f"{site.code}-{start + i}")
        for i, s in enumerate(screenings)
    ])
    AdverseEvent.objects.bulk_create([
        AdverseEventFactory.build(
            participant=p, reference="AE-1", serious=True, sae_hospitalisation=True,
            onset_date=days_ago(20), resolution_date=days_ago(18),
            aware_at=datetime.datetime.combine(days_ago(20), datetime.time(9), tzinfo=datetime.UTC),
        )
        for p in participants
    ])


def test_the_sae_list_makes_the_same_queries_with_20_and_2000_participants(
    site_a, coordinator_client, django_assert_max_num_queries
):
    for _ in range(20):
        SaeFollowUpReportFactory(
            adverse_event__participant=ParticipantFactory(
                screening=ScreeningFactory(site=site_a, status="enrolled", screened_on=days_ago(100))
            )
        )
    coordinator_client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        assert coordinator_client.get(URL).status_code == 200
    at_20 = len(ctx.captured_queries)

    _bulk_participants_with_an_sae(site_a, 1980, start=20_000)
    with django_assert_max_num_queries(at_20):
        response = coordinator_client.get(URL)
    assert response.content.decode().count('data-testid="sae-row-') == 2000


@pytest.mark.parametrize("url_name", ["safety:participant-safety", "enrollment:participant-detail"])
def test_the_ae_log_and_casebook_make_the_same_queries_with_20_and_2000_participants(
    site_a, coordinator_client, django_assert_max_num_queries, url_name
):
    reports = [
        SaeFollowUpReportFactory(
            adverse_event__participant=ParticipantFactory(
                screening=ScreeningFactory(site=site_a, status="enrolled", screened_on=days_ago(100))
            )
        )
        for _ in range(20)
    ]
    url = reverse(url_name, args=[reports[0].adverse_event.participant_id])
    coordinator_client.get(url)
    cache.clear()  # the casebook's content is cached (enrollment.casebook_cache): count renderings
    with CaptureQueriesContext(connection) as ctx:
        assert coordinator_client.get(url).status_code == 200
    at_20 = len(ctx.captured_queries)

    _bulk_participants_with_an_sae(site_a, 1980, start=20_000)
    cache.clear()
    with django_assert_max_num_queries(at_20):
        response = coordinator_client.get(url)
    assert response.status_code == 200
    assert 'data-testid="ae-row-' in response.content.decode()

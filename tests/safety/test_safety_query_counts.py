"""Speed: the SAE list, a participant's AE log and the casebook run a fixed number of SQL queries, the same with
few or many participants, adverse events, sheets, laboratory samples and medications."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories.enrollment import ParticipantFactory, ScreeningFactory
from tests.factories.safety import (
    AdverseEventFactory,
    ChemistryPanelFactory,
    ConcomitantMedicationFactory,
    CrsAssessmentFactory,
    IcansAssessmentFactory,
    SaeFollowUpReportFactory,
)
from tests.safety.conftest import days_ago

pytestmark = pytest.mark.django_db


def _participant(site):
    return ParticipantFactory(screening=ScreeningFactory(site=site, status="enrolled", screened_on=days_ago(100)))


def _with_safety_data(site, n: int):
    """A participant with n of each: AEs (one serious with a follow-up), CRS and ICANS sheets, chemistry, con-meds."""
    p = _participant(site)
    for i in range(n):
        day = days_ago(90 - 3 * i)
        CrsAssessmentFactory(
            adverse_event__participant=p,
            adverse_event__onset_date=day,
            adverse_event__resolution_date=day + datetime.timedelta(days=2),
        )
        IcansAssessmentFactory(
            adverse_event__participant=p,
            adverse_event__onset_date=day,
            adverse_event__resolution_date=day + datetime.timedelta(days=2),
        )
        SaeFollowUpReportFactory(
            adverse_event__participant=p,
            adverse_event__onset_date=day,
            adverse_event__resolution_date=day + datetime.timedelta(days=1),
        )
        ChemistryPanelFactory(participant=p, sample_date=day)
        ConcomitantMedicationFactory(participant=p, start_date=day, stop_date=day + datetime.timedelta(days=1))
    return p


def _count(func) -> int:
    cache.clear()  # the casebook's content is cached (enrollment.casebook_cache): count a rendering
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def test_the_sae_list_queries_are_the_same_for_2_and_20_participants(
    site_a, coordinator_client, django_assert_max_num_queries
):
    url = reverse("safety:sae-list")
    for _ in range(2):
        SaeFollowUpReportFactory(adverse_event__participant=_participant(site_a))
    coordinator_client.get(url)
    n_few = _count(lambda: coordinator_client.get(url))
    for _ in range(18):
        p = _participant(site_a)
        SaeFollowUpReportFactory(adverse_event__participant=p)
        AdverseEventFactory(participant=p)  # not serious: not listed

    with django_assert_max_num_queries(n_few):
        response = coordinator_client.get(url)

    assert response.content.decode().count('data-testid="sae-row-') == 20


@pytest.mark.parametrize("url_name", ["safety:participant-safety", "enrollment:participant-detail"])
def test_the_ae_log_and_casebook_queries_are_the_same_with_1_or_8_of_everything(
    site_a, coordinator_client, django_assert_max_num_queries, url_name
):
    small = _with_safety_data(site_a, 1)
    large = _with_safety_data(site_a, 8)
    for _ in range(5):
        _with_safety_data(site_a, 1)  # other participants change nothing either
    coordinator_client.get(reverse(url_name, args=[small.pk]))
    n_small = _count(lambda: coordinator_client.get(reverse(url_name, args=[small.pk])))

    cache.clear()
    with django_assert_max_num_queries(n_small):
        response = coordinator_client.get(reverse(url_name, args=[large.pk]))

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="ae-row-') == 8 * 3

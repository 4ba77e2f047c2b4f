"""Acceptance 4: the casebook (and the assessments section) of a participant with two end-of-cycle
assessments and 5 years of follow-up renders with a constant number of SQL queries."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.casebook import section
from tests.factories.assessments import (
    BloodCountFactory,
    EmdFactory,
    FlowMrdFactory,
    FollowUpContactFactory,
    MarrowFactory,
    NgsMrdFactory,
    ResponseCallFactory,
)
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db
START = datetime.date.today() - datetime.timedelta(days=5 * 365 + 60)


def _participant_with(site, n_contacts: int):
    screening = ScreeningFactory(site=site, status="enrolled", screened_on=START - datetime.timedelta(days=5))
    participant = ParticipantFactory(screening=screening, site=site, enrolled_on=START)
    for number, day in ((1, 30), (2, 60)):
        when = START + datetime.timedelta(days=day)
        marrow = MarrowFactory(participant=participant, timepoint=f"EOC{number}", sample_date=when)
        BloodCountFactory(participant=participant, sample_date=when)
        EmdFactory(participant=participant, assessed_on=when)
        FlowMrdFactory(marrow=marrow)
        NgsMrdFactory(marrow=marrow)
        ResponseCallFactory(marrow=marrow, response="CR")
    for i in range(n_contacts):
        FollowUpContactFactory(participant=participant, contact_date=START + datetime.timedelta(days=90 + 91 * i))
    return participant


def _count(func) -> int:
    cache.clear()  # the casebook's content is cached (enrollment.casebook_cache): count a rendering
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def test_assessments_section_queries_constant_when_follow_up_grows(site_a, coordinator, django_assert_max_num_queries):
    small = _participant_with(site_a, 1)
    large = _participant_with(site_a, 20)
    section(small, coordinator)  # warm the user's role cache like a request would
    n_small = _count(lambda: section(small, coordinator))
    with django_assert_max_num_queries(n_small):
        built = section(large, coordinator)
    assert len(built.context["contacts"]) == 20
    assert n_small <= 8


@pytest.mark.parametrize("url_name", ["enrollment:participant-detail", "assessments:participant-assessments"])
def test_casebook_page_queries_constant_when_follow_up_grows(
    site_a, coordinator_client, django_assert_max_num_queries, url_name
):
    small = _participant_with(site_a, 1)
    large = _participant_with(site_a, 20)
    coordinator_client.get(reverse(url_name, args=[small.pk]))
    n_small = _count(lambda: coordinator_client.get(reverse(url_name, args=[small.pk])))
    cache.clear()
    with django_assert_max_num_queries(n_small):
        response = coordinator_client.get(reverse(url_name, args=[large.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("/assessments/followup/") >= 20

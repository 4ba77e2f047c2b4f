"""Acceptance 4: the participant list, the screening log and the casebook make a constant number of SQL
queries whatever the trial size (count measured with 5 participants, asserted with 200)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollment import services
from tests.enrollment.conftest import days_ago
from tests.factories.enrollment import ConsentFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def _count_queries(client, url: str) -> int:
    cache.clear()  # the casebook's content is cached: count the requests that render it
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["enrollment:participant-list", "enrollment:screening-list"])
def test_list_query_count_is_constant_when_the_trial_grows_from_5_to_200(coordinator_client, site_a, url_name,
                                                                           django_assert_max_num_queries):
    url = reverse(url_name)
    ParticipantFactory.create_batch(5, screening__site=site_a)
    coordinator_client.get(url)  # warm the session
    small = _count_queries(coordinator_client, url)
    ParticipantFactory.create_batch(195, screening__site=site_a)
    for query in ("", "?sort=-status", "?page=3", "?q=01-0&status=enrolled"):
        with django_assert_max_num_queries(small):
            assert coordinator_client.get(url + query).status_code == 200


def test_casebook_query_count_is_constant_when_the_participant_has_more_records(coordinator_client, coordinator,
                                                                                 site_a,
                                                                                 django_assert_max_num_queries):
    participant = ParticipantFactory(screening__site=site_a)
    url = reverse("enrollment:participant-detail", args=[participant.pk])
    coordinator_client.get(url)
    small = _count_queries(coordinator_client, url)
    ConsentFactory.create_batch(5, screening=participant.screening, signed_on=days_ago(30))
    services.change_status(participant=participant, to_status="on_treatment", on=days_ago(5), user=coordinator)
    services.change_status(participant=participant, to_status="follow_up", on=days_ago(2), user=coordinator)
    cache.clear()
    with django_assert_max_num_queries(small):
        page = coordinator_client.get(url).content.decode()
    assert page.count('data-testid="status-badge"') >= 3

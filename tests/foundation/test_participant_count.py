import pytest
from django.urls import reverse

from tests.factories.enrollment import ParticipantFactory


@pytest.mark.django_db
def test_count_is_site_scoped(coordinator_client, site_a, site_b):
    ParticipantFactory.create_batch(2, screening__site=site_a)
    ParticipantFactory.create_batch(3, screening__site=site_b)
    assert coordinator_client.get(reverse("participant-count")).json() == {"participants": 2}


@pytest.mark.django_db
def test_count_view_runs_one_query_besides_session_and_user(coordinator_client, site_a, django_assert_num_queries):
    ParticipantFactory(screening__site=site_a)
    coordinator_client.get(reverse("participant-count"))  # the first request stamps the idle timer
    # the session, the user with its roles and sites (one query: blinatrial.auth), the COUNT
    with django_assert_num_queries(3):
        coordinator_client.get(reverse("participant-count"))

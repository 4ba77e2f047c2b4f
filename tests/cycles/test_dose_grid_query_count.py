"""Dose grid: the page and its save run the same number of SQL queries with 2 or 40 participants at the site."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories.cycles import post_dose_grid, start_cycle
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def add_participants(site, n, today, user) -> list:
    cycles = []
    for _ in range(n):
        screening = ScreeningFactory(site=site, screened_on=today - D(days=60), status="enrolled")
        cycles.append(start_cycle(ParticipantFactory(screening=screening), today - D(days=10), user))
    return cycles


def queries(action) -> int:
    with CaptureQueriesContext(connection) as ctx:
        action()
    return len(ctx)


def test_grid_get_and_post_queries_constant_when_participants_grow(
    coordinator_client, site_a, coordinator, today, django_assert_max_num_queries
):
    first, second = add_participants(site_a, 2, today, coordinator)
    day1 = (today - D(days=10)).isoformat()
    rows = {"VDS": {"status": "given", "given_on": day1, "actual_dose_mg": "5"},
            "DXM": {"status": "given", "given_on": day1, "actual_dose_mg": "18.2"}}
    url = reverse("cycles:dose-grid", args=[first.pk, 1])
    coordinator_client.get(url)  # warm the session and user caches like a real page view
    get_small = queries(lambda: coordinator_client.get(url))
    post_small = queries(lambda: post_dose_grid(coordinator_client, first, 1, rows))

    add_participants(site_a, 38, today, coordinator)
    url = reverse("cycles:dose-grid", args=[second.pk, 1])
    with django_assert_max_num_queries(get_small):
        assert coordinator_client.get(url).status_code == 200
    with django_assert_max_num_queries(post_small):
        assert post_dose_grid(coordinator_client, second, 1, rows).status_code == 302
    print(f"dose grid: GET {get_small} queries, GET + POST of two doses {post_small}")

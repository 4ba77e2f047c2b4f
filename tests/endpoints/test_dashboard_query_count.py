"""The dashboard reads one stored row: the same number of SQL queries for 20 and for 2,000 participants, with
every results table in it (primary endpoint, flow and NGS MRD, concordance, responder analyses, safety)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from endpoints.models import EndpointSnapshot
from tests.factories.endpoints import store_synthetic_snapshot, synthetic_cohort

CUTOFF = date(2026, 6, 30)
URL = reverse("endpoints:dashboard") + f"?cutoff={CUTOFF.isoformat()}"
SECTIONS = (b"primary-endpoint", b"flow-mrd", b"ngs-mrd", b"concordance", b"responders", b"safety")


def _all_sections(content: bytes) -> bool:
    return all(b'data-testid="' + name + b'"' in content for name in SECTIONS)


def _queries(client) -> int:
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200 and _all_sections(response.content)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("client_fixture", ["data_manager_client", "monitor_client"])
def test_dashboard_query_count_is_the_same_when_20_or_2000_participants(
    db, request, client_fixture, django_assert_max_num_queries
):
    client = request.getfixturevalue(client_fixture)
    store_synthetic_snapshot(synthetic_cohort(20, CUTOFF), CUTOFF, draw_plots=False)
    small = _queries(client)
    EndpointSnapshot.objects.all().delete()
    store_synthetic_snapshot(synthetic_cohort(2000, CUTOFF), CUTOFF, draw_plots=False)
    assert EndpointSnapshot.objects.get().n_participants == 2000
    with django_assert_max_num_queries(small):
        response = client.get(URL)
    assert _all_sections(response.content)
    assert small <= 8

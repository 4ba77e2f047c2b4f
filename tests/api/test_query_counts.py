"""A page of the API costs the same number of queries with few rows or many (the audit feed: at most two per
audited table)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrity.audit import audited_models
from tests.factories.assessments import BloodCountFactory, FlowMrdFactory, MarrowFactory

pytestmark = pytest.mark.django_db


def _queries(api, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url, params).status_code == 200
    return len(captured.captured_queries)


def _add(participant, n: int) -> None:
    for _ in range(n):
        FlowMrdFactory(marrow=MarrowFactory(participant=participant, timepoint="UNSCHEDULED"))
        BloodCountFactory(participant=participant)


@pytest.mark.parametrize("url", ["/api/v1/blood_counts/", "/api/v1/flow_mrd_results/", "/api/v1/audit/"])
def test_a_page_costs_the_same_queries_with_3_or_60_rows(api_as, data_manager, participant, url):
    api = api_as(data_manager)
    api.get(url)  # the token's first use is stamped once
    _add(participant, 3)
    few = _queries(api, url, {"page_size": 50})
    _add(participant, 57)
    many = _queries(api, url, {"page_size": 50})
    if "audit" in url:
        # one ordered query per event table, and one diff query per table on the page: bounded by the tables
        limit = 2 * len(audited_models()) + 6
        assert few <= limit and many <= limit
    else:
        assert many == few <= 6

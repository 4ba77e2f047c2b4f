"""Data queries of the user's sites, filtered by status."""

import pytest

from tests.factories.integrity import DataQueryFactory

pytestmark = pytest.mark.django_db


def test_queries_are_listed_with_words_and_filtered(api_as, coordinator, participant):
    open_query = DataQueryFactory(record=participant)
    DataQueryFactory(record=participant, status="closed")
    rows = api_as(coordinator).get("/api/v1/queries/", {"status": "open"}).json()["results"]
    assert [(r["id"], r["participant_id"], r["model"], r["field_name"]) for r in rows] == [
        (open_query.pk, participant.participant_id, "enrollment.participant", "weight_kg")
    ]
    assert api_as(coordinator).get("/api/v1/queries/", {"status": "maybe"}).status_code == 400

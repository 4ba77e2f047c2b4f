"""A token sees only its user's sites: another site's record is 404 and absent from every list."""

import pytest

from tests.factories.assessments import BloodCountFactory, FlowMrdFactory, MarrowFactory
from tests.factories.integrity import DataQueryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_sites(participant, participant_b):
    mine, theirs = MarrowFactory(participant=participant), MarrowFactory(participant=participant_b)
    FlowMrdFactory(marrow=mine), FlowMrdFactory(marrow=theirs)
    BloodCountFactory(participant=participant), BloodCountFactory(participant=participant_b)
    DataQueryFactory(record=participant), DataQueryFactory(record=participant_b)
    return mine, theirs


@pytest.mark.parametrize("form", ["participants", "bone_marrow_assessments", "flow_mrd_results", "blood_counts"])
def test_a_coordinator_s_token_lists_only_their_site(api_as, coordinator, both_sites, form, participant):
    rows = api_as(coordinator).get(f"/api/v1/{form}/").json()["results"]
    assert len(rows) == 1
    assert rows[0]["site"] == "01"
    assert rows[0]["participant_id"] == participant.participant_id


def test_another_site_s_record_is_404(api_as, coordinator, both_sites):
    mine, theirs = both_sites
    api = api_as(coordinator)
    assert api.get(f"/api/v1/bone_marrow_assessments/{mine.pk}/").status_code == 200
    assert api.get(f"/api/v1/bone_marrow_assessments/{theirs.pk}/").status_code == 404
    assert api.get(f"/api/v1/participants/{theirs.participant_id}/").status_code == 404


def test_a_user_of_every_site_sees_both(api_as, data_manager, both_sites):
    rows = api_as(data_manager).get("/api/v1/bone_marrow_assessments/").json()["results"]
    assert sorted(r["site"] for r in rows) == ["01", "02"]


def test_queries_and_audit_of_another_site_are_absent(api_as, coordinator, both_sites, participant_b):
    api = api_as(coordinator)
    assert {q["site"] for q in api.get("/api/v1/queries/").json()["results"]} == {"01"}
    events = api.get("/api/v1/audit/", {"page_size": 1000}).json()["results"]
    assert events and participant_b.participant_id not in {e["participant_id"] for e in events}


def test_a_soft_deleted_record_is_gone_from_the_api(api_as, coordinator, both_sites):
    mine, _ = both_sites
    type(mine).objects.filter(pk=mine.pk).update(is_deleted=True, deleted_reason="entered twice")
    api = api_as(coordinator)
    assert api.get(f"/api/v1/bone_marrow_assessments/{mine.pk}/").status_code == 404
    assert api.get("/api/v1/bone_marrow_assessments/").json()["results"] == []

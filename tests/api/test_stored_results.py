"""Stored endpoint results: the latest snapshot or one by cut-off, each participant's block with its safety block;
a site's user sees their site's results only, coordinators none (as on the dashboard)."""

import datetime

import pytest
from django.utils import timezone

from endpoints.models import EndpointSnapshot, ParticipantResult

pytestmark = pytest.mark.django_db
EARLY, LATE = datetime.date(2026, 3, 31), datetime.date(2026, 6, 30)


def _snapshot(cutoff, primary):
    return EndpointSnapshot.objects.create(
        cutoff=cutoff, data_version=7, calc_version="9", computed_at=timezone.now(), duration_ms=1.0,
        n_participants=3, n_treated=2,
        results={"primary": primary, "by_site": {"01": {"primary": primary - 1}, "02": {"primary": 1}},
                 "funnel": {"01": {}, "02": {}}},
    )


def _result(cutoff, pid, site, safety):
    return ParticipantResult.objects.create(
        cutoff=cutoff, participant_pk=None, participant_id=pid, site_code=site, data_version=7,
        groups=["treated"], entry={"best": "CR"}, safety=safety,
    )


@pytest.fixture
def stored(site_a, site_b):
    _snapshot(EARLY, 2), _snapshot(LATE, 3)
    _result(LATE, "01-001", "01", {"worst_grade": 3}), _result(LATE, "02-001", "02", {"worst_grade": 1})
    _result(EARLY, "01-001", "01", None)


def test_the_latest_snapshot_by_default_and_a_cutoff_on_request(api_as, data_manager, stored):
    api = api_as(data_manager)
    latest = api.get("/api/v1/results/").json()
    assert latest["cutoff"] == LATE.isoformat()
    assert latest["results"]["ALL"] == {"primary": 3}
    assert latest["results"]["01"] == {"primary": 2}
    assert api.get("/api/v1/results/", {"cutoff": EARLY.isoformat()}).json()["results"]["ALL"] == {"primary": 2}
    assert api.get("/api/v1/results/", {"cutoff": "2020-01-01"}).status_code == 404


def test_participant_results_carry_the_safety_block(api_as, data_manager, stored):
    api = api_as(data_manager)
    rows = api.get("/api/v1/participant-results/").json()["results"]
    assert {r["participant_id"]: r["safety"] for r in rows} == {"01-001": {"worst_grade": 3},
                                                                 "02-001": {"worst_grade": 1}}
    early = api.get("/api/v1/participant-results/", {"cutoff": EARLY.isoformat()}).json()["results"]
    assert [(r["participant_id"], r["safety"]) for r in early] == [("01-001", None)]


def test_a_site_s_investigator_sees_their_site_only(api_as, investigator, stored):
    api = api_as(investigator)
    assert api.get("/api/v1/results/").json()["results"] == {"01": {"primary": 2}}
    assert [r["site"] for r in api.get("/api/v1/participant-results/").json()["results"]] == ["01"]


def test_a_coordinator_sees_no_results(api_as, coordinator, stored):
    api = api_as(coordinator)
    assert api.get("/api/v1/results/").status_code == 403
    assert api.get("/api/v1/participant-results/").status_code == 403

import datetime

import pytest

from endpoints import services
from endpoints.models import EndpointSnapshot, RecomputeRun
from endpoints.tasks import recompute_endpoints
from integrity.models import current_data_version
from tests.factories.enrollment import ParticipantFactory


@pytest.mark.django_db
def test_running_the_task_twice_leaves_one_identical_result():
    ParticipantFactory.create_batch(3)
    assert recompute_endpoints() == RecomputeRun.Outcome.COMPUTED
    first = EndpointSnapshot.objects.get()
    assert recompute_endpoints() == RecomputeRun.Outcome.ALREADY_CURRENT
    second = EndpointSnapshot.objects.get()
    assert (second.pk, second.results, second.computed_at) == (first.pk, first.results, first.computed_at)
    assert first.data_version == current_data_version()
    assert first.n_participants == 3


@pytest.mark.django_db
def test_a_late_result_from_an_older_data_version_never_replaces_a_newer_one():
    cutoff = datetime.date(2026, 6, 30)
    kwargs = {"cutoff": cutoff, "calc_version": "1", "n_participants": 0, "duration_ms": 1.0}
    assert services.store_snapshot(data_version=7, results={"v": 7}, **kwargs) == "computed"
    assert services.store_snapshot(data_version=5, results={"v": 5}, **kwargs) == "stale"
    snap = EndpointSnapshot.objects.get(cutoff=cutoff)
    assert (snap.data_version, snap.results) == (7, {"v": 7})


@pytest.mark.django_db
def test_a_recompute_for_a_past_cutoff_is_stored_beside_todays():
    ParticipantFactory()
    recompute_endpoints()
    recompute_endpoints("2026-01-31")
    assert set(EndpointSnapshot.objects.values_list("cutoff", flat=True)) >= {datetime.date(2026, 1, 31)}
    assert EndpointSnapshot.objects.count() == 2

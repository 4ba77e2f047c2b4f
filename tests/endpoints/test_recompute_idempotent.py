import datetime
import time

import pytest

from endpoints import services
from endpoints.calculations import summarise
from endpoints.models import EndpointSnapshot, ParticipantResult, RecomputeRun
from endpoints.tasks import recompute_endpoints
from integrity.models import current_data_version
from tests.factories.endpoints import synthetic_cohort
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
    newer, older = synthetic_cohort(4, cutoff, seed=7), synthetic_cohort(2, cutoff, seed=5)

    def store(version: int, cohort) -> str:
        return services.store_snapshot(
            cutoff=cutoff, data_version=version, calc_version="1", cohort=cohort, funnel={}, target=20,
            summaries=[summarise(p, cutoff) for p in cohort.participants], started=time.perf_counter(),
        )

    assert store(7, newer) == "computed"
    assert store(5, older) == "stale"
    snap = EndpointSnapshot.objects.get(cutoff=cutoff)
    assert (snap.data_version, snap.results["n_participants"]) == (7, 4)
    assert set(ParticipantResult.objects.values_list("data_version", flat=True)) == {7}
    assert ParticipantResult.objects.count() == 4


@pytest.mark.django_db
def test_a_recompute_for_a_past_cutoff_is_stored_beside_todays():
    ParticipantFactory()
    recompute_endpoints()
    recompute_endpoints("2026-01-31")
    assert set(EndpointSnapshot.objects.values_list("cutoff", flat=True)) >= {datetime.date(2026, 1, 31)}
    assert EndpointSnapshot.objects.count() == 2

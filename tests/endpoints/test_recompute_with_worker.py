"""The recompute chain on real parts: PostgreSQL, Redis and a Celery worker process."""

import time

import pytest

from endpoints.models import EndpointSnapshot, RecomputeRun
from integrity.models import current_data_version
from tests.celery_worker import TEST_REDIS_URL, running_worker
from tests.factories.enrollment import ScreeningFactory, SiteFactory


def wait_until_current(timeout: float) -> float | None:
    """Seconds until the stored result caught up with the data, or None if it did not in time."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        target = current_data_version()
        if EndpointSnapshot.objects.filter(data_version__gte=target).exists():
            return time.monotonic() - start
        time.sleep(0.05)
    return None


@pytest.fixture
def live_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = TEST_REDIS_URL
    settings.ENDPOINT_DEBOUNCE_SECONDS = 0.3
    return TEST_REDIS_URL


@pytest.mark.django_db(transaction=True)
def test_a_save_is_reflected_in_the_stored_result_within_seconds(live_broker):
    site = SiteFactory()
    with running_worker():
        assert wait_until_current(10) is not None  # the worker's start-up reconciliation
        ScreeningFactory(site=site)
        elapsed = wait_until_current(5)
    assert elapsed is not None, "the stored endpoint result did not catch up within 5 s"


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_100_saves_leads_to_a_handful_of_recomputes_and_a_current_result(live_broker):
    site = SiteFactory()
    with running_worker():
        assert wait_until_current(10) is not None
        runs_before = RecomputeRun.objects.count()
        start = time.monotonic()
        for _ in range(100):
            ScreeningFactory(site=site)
        burst_seconds = time.monotonic() - start
        assert wait_until_current(10) is not None
        time.sleep(1.0)  # let any trailing debounced run finish before counting
        runs = RecomputeRun.objects.count() - runs_before
    assert burst_seconds < 10
    assert 1 <= runs <= 10, f"{runs} recompute executions for 100 saves"

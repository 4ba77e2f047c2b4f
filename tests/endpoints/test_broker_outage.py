"""A dead or hung Redis never holds a save; the beat reconciliation catches up when it is back."""

import time

import pytest

from endpoints.models import EndpointSnapshot
from integrity.models import current_data_version
from tests.celery_worker import _reset_connections, running_worker
from tests.factories.enrollment import ScreeningFactory, SiteFactory
from tests.redis_server import private_redis

MAX_SAVE_SECONDS = 1.0  # acceptance allows 1.5 s; measured about 0.37 s hung, 0.01 s down


def timed_save(site) -> float:
    start = time.monotonic()
    ScreeningFactory(site=site)
    return time.monotonic() - start


@pytest.fixture
def outage_redis(settings):
    from blinatrial.celery import app

    saved = app.conf.broker_url
    with private_redis() as server:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CELERY_BROKER_URL = server.url
        settings.ENDPOINT_DEBOUNCE_SECONDS = 0.2
        yield server
    app.conf.broker_url = saved
    _reset_connections()


@pytest.mark.django_db(transaction=True)
def test_saves_succeed_quickly_while_redis_is_down_or_hung(outage_redis):
    from blinatrial.celery import app

    app.conf.broker_url = outage_redis.url
    site = SiteFactory()
    outage_redis.hang()
    hung = timed_save(site)
    outage_redis.resume()
    outage_redis.stop()
    down = timed_save(site)
    print(f"save with Redis hung: {hung:.3f} s; with Redis down: {down:.3f} s")
    assert hung < MAX_SAVE_SECONDS, f"save took {hung:.2f} s with Redis hung"
    assert down < MAX_SAVE_SECONDS, f"save took {down:.2f} s with Redis down"


@pytest.mark.django_db(transaction=True)
def test_the_beat_reconciliation_brings_the_result_current_after_an_outage(outage_redis):
    site = SiteFactory()
    with running_worker(beat=True, broker_url=outage_redis.url, extra_env={"ENDPOINT_RECONCILE_SECONDS": "1"}):
        outage_redis.hang()
        ScreeningFactory(site=site)  # the recompute request is lost with the hung broker
        version = current_data_version()
        time.sleep(1.0)
        outage_redis.resume()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if EndpointSnapshot.objects.filter(data_version__gte=version).exists():
                break
            time.sleep(0.2)
    assert EndpointSnapshot.objects.filter(data_version__gte=version).exists()

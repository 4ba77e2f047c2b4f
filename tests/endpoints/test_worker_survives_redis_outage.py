"""The worker survives Redis going away with countdown messages unacknowledged, and catches up by itself."""

import time

import pytest
import redis

from blinatrial.tasks import ping
from endpoints.models import EndpointSnapshot
from integrity.models import current_data_version
from tests.celery_worker import _reset_connections, running_worker
from tests.factories.enrollment import ScreeningFactory, SiteFactory
from tests.redis_server import private_redis

OUTAGES = 3
CONVERGE_SECONDS = 45


@pytest.fixture
def outage_broker(settings):
    """A private redis-server (never the shared one) that the test stops and starts again."""
    from blinatrial.celery import app

    saved = app.conf.broker_url
    with private_redis() as server:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CELERY_BROKER_URL = server.url
        settings.ENDPOINT_DEBOUNCE_SECONDS = 0.2
        yield server
    app.conf.broker_url = saved
    _reset_connections()


def unacked_count(url: str) -> int:
    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        return client.hlen("unacked")
    finally:
        client.close()


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_worker_outlives_redis_stops_with_countdown_messages_unacked_and_the_result_converges(
    outage_broker, tmp_path
):
    site = SiteFactory()
    log = tmp_path / "worker.log"
    extra = {"ENDPOINT_RECONCILE_SECONDS": "1", "ENDPOINT_PLOT_DELAY_SECONDS": "30"}
    with running_worker(beat=True, broker_url=outage_broker.url, extra_env=extra, log_file=log) as worker:
        for outage in range(OUTAGES):
            ScreeningFactory(site=site)  # a recompute, then its plots with a 30 s countdown
            for _ in range(3):
                ping.apply_async(countdown=120)  # held by the worker, unacknowledged, until their time
            assert wait_for(lambda: unacked_count(outage_broker.url) >= 3, 10), "the worker did not take the messages"
            outage_broker.stop()
            time.sleep(2.0)  # the worker notices the lost connection and tidies up its unacknowledged messages
            ScreeningFactory(site=site)  # saved while Redis is down: its recompute request is lost
            outage_broker.start()  # the same port, empty (no persistence): only the beat can bring it current
            version = current_data_version()
            converged = wait_for(
                lambda v=version: EndpointSnapshot.objects.filter(data_version__gte=v).exists(), CONVERGE_SECONDS
            )
            output = log.read_text(errors="replace")
            assert worker.poll() is None, f"the worker died in outage {outage + 1}:\n{output[-4000:]}"
            assert converged, f"the stored result did not catch up after outage {outage + 1}:\n{output[-4000:]}"
        assert "Unrecoverable error" not in log.read_text(errors="replace")

import pytest

from blinatrial.tasks import ping
from tests.celery_worker import running_worker


@pytest.mark.django_db(transaction=True)
def test_task_round_trips_through_real_redis_and_worker_process():
    with running_worker() as proc:
        result = ping.apply_async()
        assert result.get(timeout=10) == "pong"
        assert proc.poll() is None  # a real, separate worker process answered

"""Thin Celery task: the build lives in exports.services."""

from celery import shared_task

from exports import services
from exports.services import BUILD_TIME_LIMIT_SECONDS


@shared_task(
    acks_late=True,
    # Exports of large projects take longer than the default limits of the other tasks.
    time_limit=BUILD_TIME_LIMIT_SECONDS,
    soft_time_limit=BUILD_TIME_LIMIT_SECONDS - 60,
)
def build_snapshot(snapshot_id: int) -> str:
    """Build one queued snapshot; a redelivered message finds it claimed and does nothing."""
    return str(services.build_snapshot(snapshot_id))

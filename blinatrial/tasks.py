from celery import shared_task


@shared_task(ignore_result=False)
def ping() -> str:
    """Round-trip check for the broker and a worker (used by tests and operators)."""
    return "pong"

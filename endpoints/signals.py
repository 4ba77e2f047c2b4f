from celery.signals import worker_ready


@worker_ready.connect
def reconcile_on_worker_start(sender=None, **kwargs) -> None:
    """A worker that starts after an outage brings the stored endpoints up to date at once."""
    from endpoints.tasks import reconcile_endpoints

    reconcile_endpoints.delay()

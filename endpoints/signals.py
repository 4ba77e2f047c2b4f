from celery.signals import worker_ready

from blinatrial.tasking import publish


@worker_ready.connect
def reconcile_on_worker_start(sender=None, **kwargs) -> None:
    """A worker that starts after an outage brings the stored endpoints up to date at once."""
    publish("endpoints.tasks.reconcile_endpoints")

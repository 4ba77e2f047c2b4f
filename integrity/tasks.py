from celery import shared_task

from integrity.edit_checks import sweep


@shared_task(name="integrity.tasks.sweep_edit_checks")
def sweep_edit_checks() -> dict:
    """Periodic: run every automatic edit check for every participant (closes fixed, raises new)."""
    raised, closed = sweep()
    return {"raised": raised, "closed": closed}

"""Safety background work: the SAE notices (thin tasks over safety.notifications)."""

from celery import shared_task

from safety import notifications


@shared_task(name="safety.tasks.notify_sae_entered")
def notify_sae_entered(ae_id: int) -> bool:
    """A serious AE was saved: its entry notice, once."""
    return notifications.send_entry_notice(ae_id)


@shared_task(name="safety.tasks.send_overdue_sae_notices")
def send_overdue_sae_notices() -> int:
    """Periodic (beat): one notice for each SAE whose 24-hour reporting clock ran out."""
    return notifications.send_overdue_notices()

"""Thin Celery tasks: load, calculate, store. The work lives in loaders, calculations and services."""

import logging
import time
from datetime import date

from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from endpoints import services
from endpoints.triggers import clear_pending
from integrity.models import current_data_version

log = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def recompute_endpoints(cutoff_iso: str | None = None) -> str:
    """Recompute every endpoint for a data cut-off (default: today) and store it; idempotent."""
    # Imported here, not at module level: the web process imports this module to publish the task,
    # and must not pay for pandas/scipy/lifelines on its first save.
    from endpoints import calculations, loaders

    if cutoff_iso is None:
        clear_pending()  # before reading: a commit after this point schedules another run
    cutoff = date.fromisoformat(cutoff_iso) if cutoff_iso else timezone.localdate()
    started_at, t0 = timezone.now(), time.perf_counter()
    connection = transaction.get_connection()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:  # one consistent snapshot of the data and of its version number
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        version = current_data_version()
        if services.snapshot_is_current(cutoff, version, calculations.CALC_VERSION):
            outcome = "current"
        else:
            cohort = loaders.load_cohort(cutoff)
            outcome = None
    if outcome is None:
        results = compute_results(cohort, cutoff)
        outcome = services.store_snapshot(
            cutoff=cutoff,
            data_version=version,
            calc_version=calculations.CALC_VERSION,
            results=results,
            n_participants=len(cohort.participants),
            duration_ms=(time.perf_counter() - t0) * 1000,
        )
    services.log_run(
        cutoff=cutoff,
        data_version=version,
        outcome=outcome,
        started_at=started_at,
        duration_ms=(time.perf_counter() - t0) * 1000,
    )
    return str(outcome)


def compute_results(cohort, cutoff: date) -> dict:
    """All sites together, and each site alone (monitors see their sites only)."""
    from endpoints import calculations

    results = calculations.compute_all(cohort.participants, cutoff)
    results["consort"] = cohort.consort
    results["by_site"] = {}
    for site_code, members in cohort.by_site().items():
        site_results = calculations.compute_all(members, cutoff)
        site_results["consort"] = cohort.consort_by_site.get(site_code, {})
        results["by_site"][site_code] = site_results
    return results


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def reconcile_endpoints() -> str:
    """Beat job (every minute) and worker start-up: recompute whatever is behind the data."""
    from endpoints import calculations

    cutoff = timezone.localdate()
    if services.snapshot_is_current(cutoff, current_data_version(), calculations.CALC_VERSION):
        return "current"
    return recompute_endpoints(cutoff.isoformat())

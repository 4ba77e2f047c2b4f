"""Thin Celery tasks: load, calculate, store. The work lives in loaders, calculations and services."""

import logging
import time
from datetime import date

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone, translation

from endpoints import calculations, loaders, presenters, services
from endpoints.models import RecomputeRun
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
    """Recompute every endpoint for a data cut-off (default: today) and store it; idempotent.

    The stored results are language-neutral (English, whoever's save ran it inline); the dashboard blocks
    and plots are rendered once per interface language (presenters.render_panels)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _recompute_endpoints(cutoff_iso)


def _recompute_endpoints(cutoff_iso: str | None) -> str:
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
            work = load_work(cutoff)
            outcome = None
    if outcome is None:
        outcome = services.store_snapshot(
            cutoff=cutoff,
            data_version=version,
            calc_version=calculations.CALC_VERSION,
            summaries=[calculations.summarise(p, cutoff) for p in work["cohort"].participants],
            started=t0,
            render=presenters.render_panels,
            **work,
        )
    if outcome == RecomputeRun.Outcome.COMPUTED:
        schedule_plots(cutoff, version)
    services.log_run(
        cutoff=cutoff,
        data_version=version,
        outcome=outcome,
        started_at=started_at,
        duration_ms=(time.perf_counter() - t0) * 1000,
    )
    return str(outcome)


def load_work(cutoff: date) -> dict:
    """What a recompute of `cutoff` reads, inside the caller's snapshot of the data.

    Today's cut-off follows the queue of changed participants (integrity.ParticipantChange): when a
    snapshot of today from this calculation version exists, only those participants are loaded again;
    otherwise (first run of the day, a past cut-off, a new calculation version) the whole trial is.
    The screening funnel is counted again only when a screening or consent record changed (a queued
    change without a participant). A past cut-off never consumes the queue: today's rows are the ones
    it keeps current.
    """
    today = cutoff == timezone.localdate()
    changes = services.pending_changes() if today else []
    incremental = today and services.has_rows(cutoff, calculations.CALC_VERSION)
    changed_pks = sorted({pk for _, pk in changes if pk is not None}) if incremental else None
    screening_changed = any(pk is None for _, pk in changes)
    return {
        "cohort": loaders.load_cohort(cutoff, changed_pks),
        "changed_pks": changed_pks,
        "handled_changes": [change_id for change_id, _ in changes],
        "funnel": loaders.load_funnel() if not incremental or screening_changed else None,
        "target": loaders.target_enrollment(),
    }


def schedule_plots(cutoff: date, data_version: int) -> None:
    """Queue the drawing of the stored snapshot's plots (seconds of matplotlib) behind the numbers.

    Without a broker (development, tests) nothing is queued: every save would otherwise draw inline; the
    plot view draws a missing plot there instead (views.plot), and the beat never runs.
    Queued with a delay: if a newer result is stored meanwhile, drawing this one is a no-op
    (services.store_plots), so a series of saves does not wait behind plots nobody will see.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    try:
        render_endpoint_plots.apply_async(
            (cutoff.isoformat(), data_version), countdown=settings.ENDPOINT_PLOT_DELAY_SECONDS
        )
    except Exception as exc:  # broker down: reconcile_endpoints finds panels without plots
        log.warning("could not queue the endpoint plots for %s (%s)", cutoff, exc)


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=5)
def render_endpoint_plots(cutoff_iso: str, data_version: int) -> int:
    """Draw the SVG plots of the snapshot of `cutoff_iso` computed from `data_version`; idempotent."""
    return services.store_plots(
        cutoff=date.fromisoformat(cutoff_iso), data_version=data_version, draw=presenters.render_plots
    )


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def reconcile_endpoints() -> str:
    """Beat job (every minute) and worker start-up: recompute whatever is behind the data."""
    cutoff = timezone.localdate()
    if services.snapshot_is_current(cutoff, current_data_version(), calculations.CALC_VERSION):
        undrawn = services.panels_without_plots(cutoff)
        if undrawn is not None:
            schedule_plots(cutoff, undrawn)
        return "current"
    return recompute_endpoints(cutoff.isoformat())

"""Storing endpoint results: one snapshot per cut-off, never moved to an older data version."""

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from endpoints.models import DashboardPanel, EndpointSnapshot, RecomputeRun

log = logging.getLogger(__name__)


@transaction.atomic
def store_snapshot(
    *,
    cutoff: date,
    data_version: int,
    calc_version: str,
    results: dict,
    n_participants: int,
    duration_ms: float,
    panels: dict[str, dict] | None = None,
) -> RecomputeRun.Outcome:
    """Write the snapshot for `cutoff` (and its dashboard panels, scope -> {"html", "plots"}) unless a result from a
    newer data version is already stored."""
    existing = EndpointSnapshot.objects.select_for_update().filter(cutoff=cutoff).first()
    if existing is not None and (existing.data_version, existing.calc_version) == (data_version, calc_version):
        outcome = RecomputeRun.Outcome.ALREADY_CURRENT
    elif existing is not None and existing.data_version > data_version:
        outcome = RecomputeRun.Outcome.STALE_SKIPPED
    else:
        snapshot, _ = EndpointSnapshot.objects.update_or_create(
            cutoff=cutoff,
            defaults={
                "data_version": data_version,
                "calc_version": calc_version,
                "computed_at": timezone.now(),
                "duration_ms": duration_ms,
                "n_participants": n_participants,
                "results": results,
            },
        )
        snapshot.panels.all().delete()
        DashboardPanel.objects.bulk_create(
            DashboardPanel(snapshot=snapshot, scope=scope, html=panel["html"], plots=panel.get("plots", {}))
            for scope, panel in (panels or {}).items()
        )
        outcome = RecomputeRun.Outcome.COMPUTED
    return outcome


def store_plots(*, cutoff: date, data_version: int, draw, scopes: list[str] | None = None) -> int:
    """Draw and store the SVGs of the panels of `cutoff`'s snapshot that have none yet; returns how many.

    Only for the snapshot computed from `data_version` (a newer one has its own drawing queued); each
    panel is drawn from its own results: the pooled ones for "ALL", results["by_site"][code] for a site.
    """
    snapshot = EndpointSnapshot.objects.filter(cutoff=cutoff, data_version=data_version).first()
    if snapshot is None:
        return 0
    panels = snapshot.panels.filter(plots={})
    if scopes is not None:
        panels = panels.filter(scope__in=scopes)
    drawn = 0
    for panel_pk, scope in panels.values_list("pk", "scope"):
        results = snapshot.results if scope == DashboardPanel.ALL else snapshot.results["by_site"].get(scope)
        if results is None:
            continue
        drawn += DashboardPanel.objects.filter(pk=panel_pk, snapshot__data_version=data_version).update(
            plots=draw(results)
        )
    return drawn


def panels_without_plots(cutoff: date) -> int | None:
    """The data version of `cutoff`'s snapshot if some of its panels have no plots yet, else None."""
    return (
        DashboardPanel.objects.filter(snapshot__cutoff=cutoff, plots={})
        .values_list("snapshot__data_version", flat=True)
        .first()
    )


def snapshot_is_current(cutoff: date, data_version: int, calc_version: str) -> bool:
    return EndpointSnapshot.objects.filter(
        cutoff=cutoff, data_version__gte=data_version, calc_version=calc_version
    ).exists()


def log_run(*, cutoff: date, data_version: int, outcome: str, started_at, duration_ms: float) -> None:
    RecomputeRun.objects.create(
        cutoff=cutoff, data_version=data_version, outcome=outcome, started_at=started_at, duration_ms=duration_ms
    )


def _publish_once(cutoff: date) -> bool:
    """Publish recompute_endpoints(cutoff) unless one was published for it in the last 30 s; never raises."""
    from django.conf import settings

    from blinatrial.broker import redis_client
    from endpoints.tasks import recompute_endpoints
    from endpoints.triggers import PENDING_TTL_SECONDS, pending_key

    if settings.CELERY_TASK_ALWAYS_EAGER:  # no broker, no worker (development): compute now
        try:
            recompute_endpoints.apply(args=[cutoff.isoformat()])
        except Exception:
            log.exception("inline endpoint recompute for %s failed", cutoff)
        return True
    client = redis_client()
    try:
        if client.set(f"{pending_key()}:{cutoff.isoformat()}", "1", nx=True, ex=PENDING_TTL_SECONDS):
            recompute_endpoints.apply_async(args=[cutoff.isoformat()])
            return True
    except Exception as exc:  # broker down or hung: the page still answers; the user can reload later
        log.warning("could not schedule the endpoint recompute for %s (%s)", cutoff, exc)
    finally:
        client.close()
    return False


def schedule_recompute(cutoff: date) -> bool:
    """A cut-off with no stored snapshot was asked for: have the worker compute it (debounced)."""
    return _publish_once(cutoff)


def schedule_stale_recompute(cutoff: date) -> bool:
    """A stored snapshot is behind the data. Today's is brought current by the write trigger and the beat
    reconciliation; a past cut-off's only on demand, here. Without a broker (eager mode) every write has
    already recomputed inline, so nothing is done in the request."""
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER or cutoff == timezone.localdate():
        return False
    return _publish_once(cutoff)

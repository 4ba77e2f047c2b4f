"""Storing endpoint results: one snapshot per cut-off, never moved to an older data version."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from endpoints.models import EndpointSnapshot, RecomputeRun


@transaction.atomic
def store_snapshot(
    *, cutoff: date, data_version: int, calc_version: str, results: dict, n_participants: int, duration_ms: float
) -> RecomputeRun.Outcome:
    """Write the snapshot for `cutoff` unless a result from a newer data version is already stored."""
    existing = EndpointSnapshot.objects.select_for_update().filter(cutoff=cutoff).first()
    if existing is not None and (existing.data_version, existing.calc_version) == (data_version, calc_version):
        outcome = RecomputeRun.Outcome.ALREADY_CURRENT
    elif existing is not None and existing.data_version > data_version:
        outcome = RecomputeRun.Outcome.STALE_SKIPPED
    else:
        EndpointSnapshot.objects.update_or_create(
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
        outcome = RecomputeRun.Outcome.COMPUTED
    return outcome


def snapshot_is_current(cutoff: date, data_version: int, calc_version: str) -> bool:
    return EndpointSnapshot.objects.filter(
        cutoff=cutoff, data_version__gte=data_version, calc_version=calc_version
    ).exists()


def log_run(*, cutoff: date, data_version: int, outcome: str, started_at, duration_ms: float) -> None:
    RecomputeRun.objects.create(
        cutoff=cutoff, data_version=data_version, outcome=outcome, started_at=started_at, duration_ms=duration_ms
    )

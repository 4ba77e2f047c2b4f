"""Storing endpoint results: one snapshot per cut-off, never moved to an older data version, aggregated
from one stored row per participant (ParticipantResult)."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from blinatrial.broker import redis_client
from blinatrial.tasking import publish, run_inline
from endpoints import calculations, curves, loaders
from endpoints.models import DashboardPanel, EndpointCurve, EndpointSnapshot, ParticipantResult, RecomputeRun
from endpoints.triggers import PENDING_TTL_SECONDS, RECOMPUTE_TASK, pending_key
from integrity.models import ParticipantChange

if TYPE_CHECKING:
    from endpoints.calculations import ParticipantSummary
    from endpoints.loaders import Cohort

log = logging.getLogger(__name__)
LOCK_NAMESPACE = 7201  # pg_advisory_xact_lock(namespace, cut-off ordinal): the endpoint store


def _load_funnel() -> dict[str, dict[str, int]]:
    return loaders.load_funnel()


def pending_changes() -> list[tuple[int, int | None]]:
    """(change id, participant pk) of every change queued by the clinical tables' triggers (participant pk
    None: a screening or consent record changed)."""
    return list(ParticipantChange.objects.order_by("id").values_list("id", "participant_pk"))


def has_rows(cutoff: date, calc_version: str) -> bool:
    """A snapshot of `cutoff` exists, computed by this calculation version: its participant rows can be
    brought current participant by participant."""
    return EndpointSnapshot.objects.filter(cutoff=cutoff, calc_version=calc_version).exists()


def _lock(cutoff: date) -> None:
    """One writer per cut-off at a time (released at the end of the transaction)."""
    with transaction.get_connection().cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, cutoff.toordinal()])


def _result_rows(
    summaries: Sequence[ParticipantSummary], cohort: Cohort, cutoff: date, data_version: int
) -> list[ParticipantResult]:
    return [
        ParticipantResult(
            cutoff=cutoff,
            participant_pk=cohort.pk_of.get(s.participant_id),
            participant_id=s.participant_id,
            site_code=cohort.site_of[s.participant_id],
            data_version=data_version,
            groups=list(s.groups),
            km=list(s.km) if s.km is not None else None,
            entry=s.entry,
            safety=s.safety,
            error=s.error or "",
        )
        for s in summaries
    ]


def counted_groups(cutoff: date) -> dict[str, Counter]:
    """Site code -> group key -> number of the stored participant rows of `cutoff` holding it (1 query)."""
    out: dict[str, Counter] = {}
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            "SELECT site_code, g, count(*) FROM endpoints_participantresult, unnest(groups) AS g "
            "WHERE cutoff = %s GROUP BY site_code, g",
            [cutoff],
        )
        for code, key, n in cursor.fetchall():
            out.setdefault(code, Counter())[key] = n
    return out


def stored_inputs(
    cutoff: date, group_counts: dict[str, Counter] | None = None
) -> dict[str, tuple[Counter, list, list, dict]]:
    """Site code -> (group counts, KM inputs, errors, safety blocks by participant id) of the stored participant
    rows of `cutoff` (3 queries; 4 unless the rows' `group_counts` by site are given)."""
    out: dict[str, tuple[Counter, list, list, dict]] = {}

    def site(code: str) -> tuple[Counter, list, list, dict]:
        if code not in out:
            out[code] = (Counter(), [], [], {})
        return out[code]

    for code, counts in (counted_groups(cutoff) if group_counts is None else group_counts).items():
        site(code)[0].update(counts)
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            "SELECT site_code, km FROM endpoints_participantresult WHERE cutoff = %s AND km IS NOT NULL", [cutoff]
        )
        kms: dict[str, list] = {}
        for code, km in cursor.fetchall():
            kms.setdefault(code, []).append(km)
        for code, rows in kms.items():
            site(code)[1].extend(rows)
        cursor.execute(
            "SELECT site_code, participant_id, error FROM endpoints_participantresult "
            "WHERE cutoff = %s AND error <> ''",
            [cutoff],
        )
        for code, pid, error in cursor.fetchall():
            site(code)[2].append({"participant_id": pid, "error": error})
        # equal blocks grouped in SQL: each distinct block is decoded once, and shared by its participants
        cursor.execute(
            "SELECT site_code, safety, array_agg(participant_id) FROM endpoints_participantresult "
            "WHERE cutoff = %s AND safety IS NOT NULL GROUP BY site_code, safety",
            [cutoff],
        )
        for code, safety, pids in cursor.fetchall():
            block = json.loads(safety) if isinstance(safety, str) else safety
            site(code)[3].update(dict.fromkeys(pids, block))
    return out


def results_from_rows(
    cutoff: date,
    funnel: dict[str, dict[str, int]],
    target: int | None,
    previous: dict | None = None,
    group_counts: dict[str, Counter] | None = None,
) -> dict:
    """The snapshot's results, pooled and per site, aggregated from the stored participant rows; `previous`:
    the stored results of the same cut-off and calculation version (curves with unchanged inputs are kept);
    `group_counts`: the rows' group counts by site when known (else counted in SQL)."""
    by_site_inputs = stored_inputs(cutoff, group_counts)
    alive_sources = loaders.alive_sources()
    empty = {"screened": 0, "eligible": 0, "consented": 0}
    pooled_counts, pooled_km, pooled_errors, pooled_safety = Counter(), [], [], {}
    results_by_site = {}
    for code in sorted(by_site_inputs):
        counts, km, errors, safety = by_site_inputs[code]
        pooled_counts.update(counts)
        pooled_km += km
        pooled_errors += errors
        pooled_safety.update(safety)
        site_previous = (previous or {}).get("by_site", {}).get(code)
        site_results = calculations.aggregate(
            counts, km, errors, cutoff, previous=site_previous, alive_sources=alive_sources, safety_blocks=safety
        )
        site_results["consort"] = {**funnel.get(code, empty), "enrolled": counts["all"], "treated": counts["treated"]}
        site_results["target_enrollment"] = target
        results_by_site[code] = site_results
    results = calculations.aggregate(
        pooled_counts,
        pooled_km,
        pooled_errors,
        cutoff,
        previous=previous,
        alive_sources=alive_sources,
        safety_blocks=pooled_safety,
    )
    funnel_all = {k: sum(f.get(k, 0) for f in funnel.values()) for k in empty}
    results["consort"] = {**funnel_all, "enrolled": pooled_counts["all"], "treated": pooled_counts["treated"]}
    results["target_enrollment"] = target
    results["by_site"] = results_by_site
    results["funnel"] = funnel
    return results


def _group_counts(
    cutoff: date,
    existing: EndpointSnapshot | None,
    changed_pks: list[int] | None,
    removed: list[tuple[str, list[str]]],
    written: list[ParticipantResult],
) -> dict[str, Counter]:
    """The group counts by site of the cut-off's rows once `written` replace `removed`: from the written rows
    alone when they are the whole trial, else the stored snapshot's counts (of the same calculation version)
    brought forward, or counted in SQL when it has none (stored before the counts were kept)."""
    added = [(row.site_code, row.groups) for row in written]
    if changed_pks is None:
        return calculations.tally_groups({}, [], added)
    if existing is None or not existing.group_counts:
        return counted_groups(cutoff)
    return calculations.tally_groups(existing.group_counts, removed, added)


def store_snapshot(
    *,
    cutoff: date,
    data_version: int,
    calc_version: str,
    summaries: Sequence[ParticipantSummary],
    cohort: Cohort,
    funnel: dict[str, dict[str, int]] | None,
    target: int | None,
    started: float,
    changed_pks: list[int] | None = None,
    handled_changes: Sequence[int] = (),
    render: Callable[..., dict[str, dict]] | None = None,
) -> RecomputeRun.Outcome:
    """Store the participants' summaries of `cutoff` and the snapshot aggregated from them, in one
    transaction, unless a result from a newer data version is already stored.

    changed_pks None: `summaries` are the whole trial, and replace every row of the cut-off. Otherwise they
    are the live ones of `changed_pks`, whose rows they replace (a participant no longer live loses its
    row). `handled_changes`: ParticipantChange ids whose participants the summaries cover; deleted here,
    by id, so a change committed meanwhile stays queued. `funnel` None: the screening funnel did not change
    since the stored snapshot, whose counts are kept. `render(results, cutoff, version)`: scope -> language ->
    dashboard panel {"html"} (one block per language of settings.LANGUAGES).
    """
    with transaction.atomic():
        _lock(cutoff)
        existing = EndpointSnapshot.objects.select_for_update().filter(cutoff=cutoff).first()
        if existing is not None and (existing.data_version, existing.calc_version) == (data_version, calc_version):
            return RecomputeRun.Outcome.ALREADY_CURRENT
        if existing is not None and existing.data_version > data_version:
            return RecomputeRun.Outcome.STALE_SKIPPED
        previous = existing.results if existing is not None and existing.calc_version == calc_version else None
        if funnel is None:  # unchanged since the stored snapshot (which an incremental run always has)
            funnel = previous["funnel"] if previous is not None else _load_funnel()
        rows = ParticipantResult.objects.filter(cutoff=cutoff)
        if changed_pks is not None:
            rows = rows.filter(participant_pk__in=changed_pks)
        removed = list(rows.values_list("site_code", "groups")) if changed_pks is not None else []
        rows.delete()
        written = _result_rows(summaries, cohort, cutoff, data_version)
        ParticipantResult.objects.bulk_create(written, batch_size=2000)
        if handled_changes:
            ParticipantChange.objects.filter(id__in=list(handled_changes)).delete()
        group_counts = _group_counts(cutoff, existing if previous is not None else None, changed_pks, removed, written)
        results = results_from_rows(cutoff, funnel, target, previous, group_counts)
        panels = render(results, cutoff, version=f"{data_version}-{calc_version}") if render else {}
        lean, curve_tables = curves.detach_tables(results, calc_version)
        fields = {
            "data_version": data_version,
            "calc_version": calc_version,
            "computed_at": timezone.now(),
            "duration_ms": (time.perf_counter() - started) * 1000,
            "n_participants": results["n_participants"],
            "n_treated": results["n_treated"],
            "results": lean,
            "group_counts": group_counts,
        }
        if existing is None:
            snapshot = EndpointSnapshot.objects.create(cutoff=cutoff, **fields)
        else:  # locked above: updated in place, its stored results not read a second time
            if lean == previous:  # the change moved no number: the stored results are not rewritten
                del fields["results"]
            EndpointSnapshot.objects.filter(pk=existing.pk).update(**fields)
            snapshot = existing
        _store_curves(snapshot, curve_tables, new=existing is None)
        snapshot.panels.all().delete()
        DashboardPanel.objects.bulk_create(
            DashboardPanel(
                snapshot=snapshot, scope=scope, language=language, html=panel["html"], plots=panel.get("plots", {})
            )
            for scope, by_language in panels.items()
            for language, panel in by_language.items()
        )
    return RecomputeRun.Outcome.COMPUTED


def _store_curves(snapshot: EndpointSnapshot, curve_tables: curves.Curves, new: bool) -> None:
    """Write the tables of the curves whose inputs moved (or that have none stored), and drop those of curves
    no longer in the results; a curve whose inputs did not move keeps its stored row untouched."""
    stored = {} if new else {
        (scope, path): digest for scope, path, digest in snapshot.curves.values_list("scope", "path", "digest")
    }
    write, gone = curves.curves_to_write(curve_tables, stored)
    for scope, path in gone:
        EndpointCurve.objects.filter(snapshot=snapshot, scope=scope, path=path).delete()
    EndpointCurve.objects.bulk_create(
        [
            EndpointCurve(snapshot=snapshot, scope=scope, path=path, digest=curve_tables[(scope, path)][0],
                          table=curve_tables[(scope, path)][1])
            for scope, path in write
        ],
        update_conflicts=True,
        unique_fields=["snapshot", "scope", "path"],
        update_fields=["digest", "table"],
    )


def snapshot_results(snapshot: EndpointSnapshot, scopes: Sequence[str] | None = None) -> dict:
    """The snapshot's results with their curves' tables (of `scopes` only, "ALL" or site codes; None: all)."""
    rows = snapshot.curves.all()
    if scopes is not None:
        rows = rows.filter(scope__in=list(scopes))
    tables = {(scope, path): table for scope, path, table in rows.values_list("scope", "path", "table")}
    return curves.attach_tables(snapshot.results, tables)


def participant_entries(cutoff: date, scope: str) -> list[dict]:
    """The per-participant blocks of `cutoff` (treated, no error) for a scope ("ALL" or a site code)."""
    rows = ParticipantResult.objects.filter(cutoff=cutoff, entry__isnull=False)
    if scope != DashboardPanel.ALL:
        rows = rows.filter(site_code=scope)
    return list(rows.order_by("participant_id").values_list("entry", flat=True))


def store_plots(*, cutoff: date, data_version: int, draw, scopes: list[str] | None = None) -> int:
    """Draw and store the SVGs of the panels of `cutoff`'s snapshot that have none yet; returns how many
    (a panel per scope and language, each drawn in its language).

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
    entries: dict[str, list[dict]] = {}
    todo = list(panels.values_list("pk", "scope", "language"))
    if not todo:
        return 0
    full = snapshot_results(snapshot, sorted({scope for _, scope, _ in todo}))
    for panel_pk, scope, language in todo:
        results = full if scope == DashboardPanel.ALL else full["by_site"].get(scope)
        if results is None:
            continue
        if scope not in entries:
            entries[scope] = participant_entries(cutoff, scope)
        with translation.override(language):  # titles, axis labels and legends in the panel's language
            svgs = draw(results, entries[scope])
        drawn += DashboardPanel.objects.filter(pk=panel_pk, snapshot__data_version=data_version).update(plots=svgs)
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
    if settings.CELERY_TASK_ALWAYS_EAGER:  # no broker, no worker (development): compute now
        try:
            run_inline(RECOMPUTE_TASK, [cutoff.isoformat()])
        except Exception:
            log.exception("inline endpoint recompute for %s failed", cutoff)
        return True
    client = redis_client()
    try:
        if client.set(f"{pending_key()}:{cutoff.isoformat()}", "1", nx=True, ex=PENDING_TTL_SECONDS):
            publish(RECOMPUTE_TASK, [cutoff.isoformat()])
            return True
    except Exception as exc:  # broker down or hung: the page still answers; the user can reload later
        log.warning("could not schedule the endpoint recompute for %s (%s)", cutoff, exc)
    return False


def schedule_recompute(cutoff: date) -> bool:
    """A cut-off with no stored snapshot was asked for: have the worker compute it (debounced)."""
    return _publish_once(cutoff)


def schedule_stale_recompute(cutoff: date) -> bool:
    """A stored snapshot is behind the data. Today's is brought current by the write trigger and the beat
    reconciliation; a past cut-off's only on demand, here. Without a broker (eager mode) every write has
    already recomputed inline, so nothing is done in the request."""
    if settings.CELERY_TASK_ALWAYS_EAGER or cutoff == timezone.localdate():
        return False
    return _publish_once(cutoff)

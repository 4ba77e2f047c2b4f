"""Investigator dashboard, drill-down lists and the per-participant endpoint page.

Every page here READS stored results (EndpointSnapshot, DashboardPanel); none computes an endpoint.
The dashboard makes a fixed number of queries whatever the number of participants: the results block
(numbers, tables, SVG plots) was rendered by the Celery task, per scope.

Site scoping of results: a user who sees every site (data manager, all-sites profile, superuser) gets the
pooled results ("ALL"). A user limited to some sites gets one block per site, each computed from that
site's participants alone by the task (tasks.compute_results -> results["by_site"]); pooled numbers are
never shown to them, and never combined from site blocks (rates and Kaplan-Meier estimates do not add up).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, Func, JSONField, OuterRef, Subquery, TextField, Value
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from blinatrial.access import DATA_MANAGER, INVESTIGATOR, MONITOR, role_required, visible_site_ids
from endpoints import services
from endpoints.models import DashboardPanel, EndpointSnapshot
from enrollment.models import Participant, Site
from integrity.models import DataVersion

DASHBOARD_ROLES = (INVESTIGATOR, DATA_MANAGER, MONITOR)
ALL = DashboardPanel.ALL
ADTTE_PARAMS = ("OS", "EFS", "OSHSCT", "EFSHSCT")
PLOT_NAMES = ("os", "efs", "mrd", "swimmer")
PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="80"><text x="10" y="45" font-family="sans-serif" '
    'font-size="16" fill="#666">Plot being drawn; reload in a few seconds.</text></svg>'
)  # = presenters.PLOT_NAMES (not imported: it loads matplotlib)


def visible_scopes(user) -> list[str]:
    """The results blocks a user may see: the pooled block ("ALL") first when they see every site (all
    sites, or assigned to each site there is), then one block per site of theirs (2 queries)."""
    ids = visible_site_ids(user)
    sites = Site.objects.order_by("code")
    codes = list((sites if ids is None else sites.filter(pk__in=ids)).values_list("code", flat=True))
    if ids is None or not Site.objects.exclude(pk__in=ids).exists():
        return [ALL, *codes]
    return codes


def _parse_cutoff(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _requested_cutoff(request: HttpRequest) -> date:
    today = timezone.localdate()
    raw = request.GET.get("cutoff")
    cutoff = _parse_cutoff(raw)
    if raw and (cutoff is None or cutoff > today):
        messages.warning(request, "The data cut-off must be a date (YYYY-MM-DD), today or earlier; showing today.")
        cutoff = None
    return cutoff or today


def _current_version_sq() -> Subquery:
    return Subquery(DataVersion.objects.filter(pk=1).values("version")[:1])


@role_required(*DASHBOARD_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    cutoff = _requested_cutoff(request)
    scopes = visible_scopes(request.user)
    scope = request.GET.get("site") if request.GET.get("site") in scopes else (scopes[0] if scopes else None)
    snapshot = (
        EndpointSnapshot.objects.filter(cutoff=cutoff)
        .defer("results")
        .annotate(
            current_version=_current_version_sq(),
            panel_html=Subquery(DashboardPanel.objects.filter(snapshot=OuterRef("pk"), scope=scope).values("html")[:1]),
            stored_cutoffs=ArraySubquery(EndpointSnapshot.objects.order_by("-cutoff").values("cutoff")[:50]),
        )
        .first()
    )
    stored_cutoffs = (
        snapshot.stored_cutoffs
        if snapshot
        else list(EndpointSnapshot.objects.order_by("-cutoff").values_list("cutoff", flat=True)[:50])
    )
    stale = snapshot is not None and snapshot.data_version < snapshot.current_version
    computing = snapshot is None or (snapshot.panel_html is None and scope == ALL)
    if snapshot is None:
        services.schedule_recompute(cutoff)
    elif stale:
        services.schedule_stale_recompute(cutoff)
    context = {
        "cutoff": cutoff,
        "today": timezone.localdate(),
        "stored_cutoffs": stored_cutoffs,
        "scopes": scopes,
        "scope": scope,
        "snapshot": snapshot,
        "stale": stale,
        "computing": computing,
        "panel_html": snapshot.panel_html if snapshot else None,
    }
    return render(request, "endpoints/dashboard.html", context)


def _scope_or_404(request: HttpRequest, scope: str) -> None:
    if scope not in visible_scopes(request.user):
        raise Http404("No such results block for your sites.")


@role_required(*DASHBOARD_ROLES)
def plot(request: HttpRequest, cutoff: str, scope: str, name: str) -> HttpResponse:
    """One stored SVG of a results block (drawn by the task); cacheable while the result is unchanged."""
    day = _parse_cutoff(cutoff)
    if day is None or name not in PLOT_NAMES:
        raise Http404("No such plot.")
    _scope_or_404(request, scope)
    row = (
        DashboardPanel.objects.filter(snapshot__cutoff=day, scope=scope)
        .annotate(svg=KeyTransform(name, "plots"))
        .values_list("svg", "snapshot__data_version", "snapshot__calc_version")
        .first()
    )
    if row is None:
        raise Http404("No stored results.")
    svg, data_version, calc_version = row
    if svg is None and settings.CELERY_TASK_ALWAYS_EAGER:  # no worker (development): draw it once, store it
        from endpoints.presenters import render_plots

        services.store_plots(cutoff=day, data_version=data_version, draw=render_plots, scopes=[scope])
        svg = (
            DashboardPanel.objects.filter(snapshot__cutoff=day, scope=scope)
            .values_list(KeyTransform(name, "plots"), flat=True)
            .first()
        )
    if svg is None:  # the worker has not drawn it yet
        response = HttpResponse(PLACEHOLDER_SVG, content_type="image/svg+xml; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    current = request.GET.get("v") == f"{data_version}-{calc_version}"
    response["Cache-Control"] = "private, max-age=86400, immutable" if current else "private, no-cache"
    return response


def _participant_links(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["endpoint_url"] = reverse("endpoints:participant", args=[row["pk"]])
        try:
            row["casebook_url"] = reverse("enrollment:participant-detail", args=[row["pk"]])
        except NoReverseMatch:
            row["casebook_url"] = None
    return rows


@role_required(*DASHBOARD_ROLES)
def group(request: HttpRequest, cutoff: str, scope: str) -> HttpResponse:
    """The participants behind one count of the dashboard (ids stored in the snapshot's results)."""
    day = _parse_cutoff(cutoff)
    if day is None:
        raise Http404("Bad cut-off.")
    _scope_or_404(request, scope)
    key = request.GET.get("g", "")
    path = ["groups", key] if scope == ALL else ["by_site", scope, "groups", key]
    expression = F("results")
    for part in path:
        expression = KeyTransform(part, expression)
    row = (
        EndpointSnapshot.objects.filter(cutoff=day)
        .annotate(ids=expression)
        .values("ids", "computed_at", "data_version")
        .first()
    )
    if row is None:
        raise Http404("No stored results for this cut-off.")
    ids = row["ids"] or []
    participants = _participant_links(
        list(
            Participant.objects.visible_to(request.user)
            .filter(participant_id__in=ids)
            .order_by("participant_id")
            .values("pk", "participant_id", "site__code", "status")
        )
    )
    context = {
        "cutoff": day,
        "scope": scope,
        "key": key,
        "snapshot": row,
        "participants": participants,
        "n_stored": len(ids),
        "n_missing": len(ids) - len(participants),
        "dashboard_url": reverse("endpoints:dashboard")
        + f"?cutoff={day.isoformat()}"
        + (f"&site={scope}" if scope != ALL else ""),
    }
    return render(request, "endpoints/group.html", context)


class _JsonPath(Func):
    template = "(%(expressions)s)::jsonpath"


def _path_first(path: str, pid: str) -> Func:
    """jsonb_path_query_first(results, path, {"id": pid}): one item of the stored results, read in SQL."""
    variables = Func(
        Value("id", output_field=TextField()), Cast(Value(pid), TextField()), function="jsonb_build_object"
    )
    return Func(
        F("results"),
        _JsonPath(Value(path, output_field=TextField())),
        variables,
        function="jsonb_path_query_first",
        output_field=JSONField(),
    )


@role_required(*DASHBOARD_ROLES)
def participant(request: HttpRequest, pk: int) -> HttpResponse:
    """How each endpoint value of one participant was reached: inputs, rule, derived value, OS/EFS rows."""
    p = get_object_or_404(Participant.objects.visible_to(request.user).select_related("site"), pk=pk)
    cutoff = _requested_cutoff(request)
    pid = p.participant_id
    annotations = {"entry": _path_first("$.participants[*] ? (@.participant_id == $id)", pid)}
    for param in ADTTE_PARAMS:
        annotations[f"adtte_{param}"] = _path_first(f"$.adtte.{param}[*] ? (@.USUBJID == $id)", pid)
    snapshot = (
        EndpointSnapshot.objects.filter(cutoff=cutoff)
        .annotate(current_version=_current_version_sq(), **annotations)
        .values(
            "cutoff", "computed_at", "data_version", "current_version", "entry", *[f"adtte_{x}" for x in ADTTE_PARAMS]
        )
        .first()
    )
    if snapshot is None:
        services.schedule_recompute(cutoff)
    from endpoints.explain import explain_participant

    context = {
        "participant": p,
        "cutoff": cutoff,
        "snapshot": snapshot,
        "stale": snapshot is not None and snapshot["data_version"] < snapshot["current_version"],
        "explanation": explain_participant(p.pk, snapshot, cutoff),
        "adtte_rows": [snapshot[f"adtte_{x}"] for x in ADTTE_PARAMS if snapshot and snapshot[f"adtte_{x}"]]
        if snapshot
        else [],
    }
    try:
        context["casebook_url"] = reverse("enrollment:participant-detail", args=[p.pk])
    except NoReverseMatch:
        context["casebook_url"] = None
    return render(request, "endpoints/participant.html", context)

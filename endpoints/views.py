"""Investigator dashboard, drill-down lists and the per-participant endpoint page.

Every page here READS stored results (EndpointSnapshot, DashboardPanel); none computes an endpoint.
The dashboard makes a fixed number of queries whatever the number of participants: the results block
(numbers, tables, SVG plots) was rendered by the Celery task, per scope.

Site scoping of results: a user who sees every site (data manager, all-sites profile, superuser) gets the
pooled results ("ALL"). A user limited to some sites gets one block per site, each computed from that
site's participants alone by the task (services.results_from_rows -> results["by_site"]); pooled numbers are
never shown to them, and never combined from site blocks (rates and Kaplan-Meier estimates do not add up).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Subquery
from django.db.models.fields.json import KeyTransform
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from blinatrial import page_cache, params
from blinatrial.access import (
    DATA_MANAGER,
    INVESTIGATOR,
    MONITOR,
    has_role,
    refusal,
    role_required,
    visible_site_ids,
)
from blinatrial.params import parse_query
from endpoints import services
from endpoints.explain import adtte_reason, explain_participant
from endpoints.labels import ANALYSES, group_label
from endpoints.models import GROUP_KEY_MAX_LENGTH, DashboardPanel, EndpointSnapshot, ParticipantResult
from enrollment.models import Participant, ParticipantStatus, Site
from integrity.models import DataVersion

DASHBOARD_ROLES = (INVESTIGATOR, DATA_MANAGER, MONITOR)
ALL = DashboardPanel.ALL
ADTTE_PARAMS = ("OS", "EFS", "OSHSCT", "EFSHSCT", "RFS", "RFSHSCT", "DOR", "DORHSCT", "CIR", "CIRHSCT")
PLOT_NAMES = ("os", "efs", "mrd", "swimmer")
PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="80"><text x="10" y="45" font-family="sans-serif" '
    'font-size="16" fill="#666">{text}</text></svg>'
)  # = presenters.PLOT_NAMES (not imported: it loads matplotlib)


def scopes_for(site_ids: list[int] | None, sites: list[tuple[int, str]]) -> list[str]:
    """The results blocks of a user who sees `site_ids` (None: every site) among `sites` (pk, code), by code:
    the pooled block ("ALL") first when they see every site (all sites, or assigned to each site there is),
    then one block per site of theirs."""
    mine = [code for pk, code in sites if site_ids is None or pk in site_ids]
    return [ALL, *mine] if len(mine) == len(sites) else mine


def visible_scopes(user) -> list[str]:
    """scopes_for the user (1 query: the sites)."""
    return scopes_for(visible_site_ids(user), list(Site.objects.order_by("code").values_list("pk", "code")))


def _parse_cutoff(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class DashboardParams(forms.Form):
    """The query string of the endpoint pages (a malformed cut-off falls back to today with a warning)."""

    cutoff = params.text("Data cut-off", max_length=40)
    site = params.code("Site")
    g = params.text("Group", max_length=GROUP_KEY_MAX_LENGTH)
    v = params.code("Version", max_length=80)
    lang = params.code("Language", max_length=16)


LANGUAGE_CODES = tuple(code for code, _ in settings.LANGUAGES)


def _language(requested: str | None = None) -> str:
    """The interface language whose stored blocks and plots are shown: `requested` if it is one of
    settings.LANGUAGES, else the request's active language, else the default."""
    for language in (requested, translation.get_language()):
        if language and language.lower() in LANGUAGE_CODES:
            return language.lower()
    return settings.LANGUAGE_CODE


def _requested_cutoff(request: HttpRequest) -> date:
    today = timezone.localdate()
    raw = parse_query(request, DashboardParams)["cutoff"]
    cutoff = _parse_cutoff(raw)
    if raw and (cutoff is None or cutoff > today):
        messages.warning(
            request, gettext("The data cut-off must be a date (YYYY-MM-DD), today or earlier; showing today.")
        )
        cutoff = None
    return cutoff or today


def _current_version_sq() -> Subquery:
    return Subquery(DataVersion.objects.filter(pk=1).values("version")[:1])


# Everything the dashboard needs but the stored results block, in one statement: the user's roles, the sites,
# the current data version, the stored cut-offs and the snapshot of the cut-off (its results are not read).
DASHBOARD_SQL = (
    "SELECT ARRAY(SELECT g.name FROM auth_group g JOIN auth_user_groups ug ON ug.group_id = g.id "
    "WHERE ug.user_id = %s ORDER BY g.name), "
    "ARRAY(SELECT id FROM enrollment_site ORDER BY code), ARRAY(SELECT code FROM enrollment_site ORDER BY code), "
    "(SELECT version FROM integrity_dataversion WHERE id = 1), "
    "ARRAY(SELECT cutoff FROM endpoints_endpointsnapshot ORDER BY cutoff DESC LIMIT 50), "
    "s.id, s.data_version, s.calc_version, s.computed_at, s.duration_ms, s.n_participants, s.n_treated "
    "FROM (SELECT 1) AS one LEFT JOIN endpoints_endpointsnapshot s ON s.cutoff = %s"
)
PAGE_CACHE_SECONDS = 300


@dataclass(frozen=True)
class SnapshotMeta:
    pk: int
    data_version: int
    calc_version: str
    computed_at: datetime
    duration_ms: float
    n_participants: int
    n_treated: int
    current_version: int


def _page_key(request: HttpRequest, *parts) -> str:
    """The rendered page depends on these and on nothing else: the session and CSRF cookie (the page carries a
    CSRF token), the URL, who the user is, and `parts` (roles, sites, cut-off, snapshot and data versions)."""
    user = request.user
    raw = repr(
        (
            request.session.session_key,
            request.COOKIES.get(settings.CSRF_COOKIE_NAME),
            request.get_full_path(),
            user.pk,
            user.get_username(),
            user.is_staff,
            user.is_superuser,
            *parts,
        )
    )
    return "endpoints:dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The stored results of a cut-off for the user's sites.

    The page is rendered once per (user, session, roles, sites, cut-off, snapshot and data version) and
    then served from the cache: each request still reads the roles, the sites and the versions afresh (one
    statement, DASHBOARD_SQL), so a new result, a data change (stale banner) or a change of the user's roles
    or sites shows at once. Pages with a message, a stale or a missing result are never cached.
    """
    cutoff = _requested_cutoff(request)  # a login is required by LoginRequiredMiddleware
    site = parse_query(request, DashboardParams)["site"]
    site_ids = visible_site_ids(request.user)
    with connection.cursor() as cursor:
        cursor.execute(DASHBOARD_SQL, [request.user.pk, cutoff])
        roles, site_pks, site_codes, current_version, stored_cutoffs, *snap = cursor.fetchone()
    request.user._trial_roles = frozenset(roles)  # what access.user_roles would read, read here
    if not has_role(request.user, *DASHBOARD_ROLES):
        raise PermissionDenied(refusal(DASHBOARD_ROLES))
    scopes = scopes_for(site_ids, list(zip(site_pks, site_codes, strict=True)))
    scope = site if site in scopes else (scopes[0] if scopes else None)
    snapshot = SnapshotMeta(*snap, current_version=current_version) if snap[0] is not None else None
    stale = snapshot is not None and snapshot.data_version < current_version
    cacheable = snapshot is not None and not stale and not len(messages.get_messages(request))
    language = _language()
    key = _page_key(
        request,
        language,
        tuple(roles),
        tuple(scopes),
        scope,
        cutoff,
        timezone.localdate(),
        tuple(stored_cutoffs),
        snapshot,
    )
    if cacheable and (content := page_cache.cached(key)) is not None:
        return HttpResponse(content)
    # the block of the user's language; the default language's while a result stored before it existed is shown
    blocks = (
        dict(
            DashboardPanel.objects.filter(
                snapshot_id=snapshot.pk, scope=scope, language__in={language, settings.LANGUAGE_CODE}
            ).values_list("language", "html")
        )
        if snapshot and scope
        else {}
    )
    panel_html = blocks.get(language, blocks.get(settings.LANGUAGE_CODE))
    computing = snapshot is None or (panel_html is None and scope == ALL)
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
        "panel_html": panel_html,
    }
    response = render(request, "endpoints/dashboard.html", context)
    if cacheable and not computing:
        page_cache.keep(key, response.content, PAGE_CACHE_SECONDS)
    return response


def _scope_or_404(request: HttpRequest, scope: str) -> None:
    if scope not in visible_scopes(request.user):
        raise Http404("No such results block for your sites.")


@role_required(*DASHBOARD_ROLES)
@require_GET
@csp_replace({"default-src": [NONE], "style-src": [UNSAFE_INLINE]})  # matplotlib's SVG styles itself; no script
def plot(request: HttpRequest, cutoff: str, scope: str, name: str) -> HttpResponse:
    """One stored SVG of a results block (drawn by the task); cacheable while the result is unchanged."""
    day = _parse_cutoff(cutoff)
    if day is None or name not in PLOT_NAMES:
        raise Http404("No such plot.")
    _scope_or_404(request, scope)
    query = parse_query(request, DashboardParams)
    language = _language(query["lang"])
    row = (
        DashboardPanel.objects.filter(snapshot__cutoff=day, scope=scope, language=language)
        .annotate(svg=KeyTransform(name, "plots"))
        .values_list("svg", "snapshot__data_version", "snapshot__calc_version")
        .first()
    )
    if row is None:
        raise Http404("No stored results.")
    svg, data_version, calc_version = row
    if svg is None and settings.CELERY_TASK_ALWAYS_EAGER:  # no worker (development): draw it once, store it
        from endpoints.presenters import render_plots  # deferred: matplotlib, only without a worker

        services.store_plots(cutoff=day, data_version=data_version, draw=render_plots, scopes=[scope])
        svg = (
            DashboardPanel.objects.filter(snapshot__cutoff=day, scope=scope, language=language)
            .values_list(KeyTransform(name, "plots"), flat=True)
            .first()
        )
    if svg is None:  # the worker has not drawn it yet
        text = escape(gettext("Plot being drawn; reload in a few seconds."))
        response = HttpResponse(PLACEHOLDER_SVG.format(text=text), content_type="image/svg+xml; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    current = query["v"] == f"{data_version}-{calc_version}"
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
@require_GET
def group(request: HttpRequest, cutoff: str, scope: str) -> HttpResponse:
    """The participants behind one count of the dashboard (the stored participant rows in that group)."""
    day = _parse_cutoff(cutoff)
    if day is None:
        raise Http404("Bad cut-off.")
    _scope_or_404(request, scope)
    key = parse_query(request, DashboardParams)["g"]
    row = EndpointSnapshot.objects.filter(cutoff=day).values("computed_at", "data_version").first()
    if row is None:
        raise Http404("No stored results for this cut-off.")
    members = ParticipantResult.objects.filter(cutoff=day, groups__contains=[key])
    if scope != ALL:
        members = members.filter(site_code=scope)
    ids = list(members.values_list("participant_id", flat=True))
    rows = list(
        Participant.objects.visible_to(request.user)
        .filter(participant_id__in=ids)
        .order_by("participant_id")
        .values("pk", "participant_id", "site__code", "status")
    )
    statuses = dict(ParticipantStatus.choices)  # labels (translated where the enrollment area marks them)
    participants = _participant_links([{**r, "status": statuses.get(r["status"], r["status"])} for r in rows])
    context = {
        "cutoff": day,
        "scope": scope,
        "key": key,
        "label": group_label(key),
        "snapshot": row,
        "participants": participants,
        "n_stored": len(ids),
        "n_missing": len(ids) - len(participants),
        "dashboard_url": reverse("endpoints:dashboard")
        + f"?cutoff={day.isoformat()}"
        + (f"&site={scope}" if scope != ALL else ""),
    }
    return render(request, "endpoints/group.html", context)


@role_required(*DASHBOARD_ROLES)
@require_GET
def participant(request: HttpRequest, pk: int) -> HttpResponse:
    """How each endpoint value of one participant was reached: inputs, rule, derived value, OS/EFS rows."""
    p = get_object_or_404(Participant.objects.visible_to(request.user).select_related("site"), pk=pk)
    cutoff = _requested_cutoff(request)
    snapshot = (
        EndpointSnapshot.objects.filter(cutoff=cutoff)
        .annotate(
            current_version=_current_version_sq(),
            entry=Subquery(
                ParticipantResult.objects.filter(cutoff=cutoff, participant_id=p.participant_id).values("entry")[:1]
            ),
        )
        .values("cutoff", "computed_at", "data_version", "current_version", "entry")
        .first()
    )
    if snapshot is None:
        services.schedule_recompute(cutoff)
    adtte = ((snapshot or {}).get("entry") or {}).get("adtte", {})

    context = {
        "participant": p,
        "cutoff": cutoff,
        "snapshot": snapshot,
        "stale": snapshot is not None and snapshot["data_version"] < snapshot["current_version"],
        "explanation": explain_participant(p.pk, snapshot, cutoff),
        "adtte_rows": [
            {**adtte[x], "reason": adtte_reason(adtte[x].get("EVNTDESC_or_CNSDTDSC")), "label": ANALYSES.get(x, x)}
            for x in ADTTE_PARAMS
            if x in adtte
        ],
    }
    try:
        context["casebook_url"] = reverse("enrollment:participant-detail", args=[p.pk])
    except NoReverseMatch:
        context["casebook_url"] = None
    return render(request, "endpoints/participant.html", context)

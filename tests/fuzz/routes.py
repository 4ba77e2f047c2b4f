"""The fuzz table: for every URL pattern of the project, how to reach it, its query parameters and its form.

The admin site is fuzzed by `admin_routes()`, which walks the admin's own patterns (each model's list, add,
change, delete and history pages) as the superuser; every other pattern needs an entry in ROUTES, and
test_every_route_is_fuzzed fails for a pattern that has none.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import quote

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from assessments.forms import MatrixParams
from assessments.views import MARROW_FORMS, PARTICIPANT_FORMS
from blinatrial import access
from cycles.views import DueVisitParams
from endpoints.views import DashboardParams
from enrollment.forms import ParticipantListParams, ScreeningListParams
from integrity.forms import (
    AuditFilterForm,
    AuditPageParams,
    FieldParams,
    LockCreateParams,
    NextParams,
    QueryListParams,
    SecurityLogParams,
    TimepointParams,
)
from safety.views import AE_FORMS as SAFETY_AE_FORMS
from safety.views import PARTICIPANT_FORMS as SAFETY_PARTICIPANT_FORMS

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
# Signed in without the second factor yet (the admin's login page, say): the code page is all it may reach.
UNVERIFIED = "unverified investigator"
APP_ROLES = (access.COORDINATOR, access.INVESTIGATOR, access.DATA_MANAGER, access.MONITOR)
CUTOFF = datetime.date(2026, 6, 30)
ADMIN_QUERY = ("q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters")


@dataclass(frozen=True)
class Route:
    kwargs: Callable[[SimpleNamespace], dict] = lambda w: {}
    params: tuple = ()  # forms whose fields are the query parameters the view reads, or names
    post: bool = False  # takes a submitted form
    get: bool = True  # False: POST only (the form lives on `form_on`)
    form_on: tuple[str, Callable[[SimpleNamespace], dict]] | None = None
    roles: tuple[str, ...] = APP_ROLES
    writer: str = access.COORDINATOR  # the role whose page supplies the form a browser would send


def param_names(route: Route) -> list[str]:
    names: set[str] = set()
    for item in route.params:
        if isinstance(item, type) and issubclass(item, forms.BaseForm):
            names |= set(item().fields)
        else:
            names.add(item)
    return sorted(names)


def _record(w) -> dict:
    return {"ct_id": w.ct_cbc, "pk": w.cbc.pk}


P = lambda w: {"pk": w.participant.pk}  # noqa: E731
PP = lambda w: {"participant_pk": w.participant.pk}  # noqa: E731
CYC = lambda w: {"cycle_pk": w.cycle.pk}  # noqa: E731
DM = access.DATA_MANAGER
INV = access.INVESTIGATOR

ROUTES: dict[str, Route] = {
    "home": Route(),
    "health": Route(roles=(ANONYMOUS, *APP_ROLES)),
    "participant-count": Route(),
    "login": Route(post=True, roles=(ANONYMOUS,), writer=ANONYMOUS),
    "logout": Route(post=True, get=False, form_on=("home", lambda w: {})),
    "set-language": Route(post=True, get=False, form_on=("home", lambda w: {})),
    "password_change": Route(post=True),
    "password_change_done": Route(),
    "two-factor-verify": Route(
        post=True, params=(NextParams,), roles=(ANONYMOUS, UNVERIFIED, *APP_ROLES), writer=UNVERIFIED
    ),
    "two-factor-enrol": Route(post=True, params=(NextParams,)),
    "account-security": Route(roles=(UNVERIFIED, *APP_ROLES)),
    "recovery-codes": Route(post=True, form_on=("account-security", lambda w: {}), writer=INV),
    "api-token-list": Route(),
    "api-token-create": Route(post=True),
    # The coordinator's token of the world: its owner revokes it, every other role gets a 404.
    "api-token-revoke": Route(
        lambda w: {"pk": w.api_token.pk}, post=True, get=False, form_on=("api-token-list", lambda w: {})
    ),
    "assessments:lab-import": Route(post=True),
    # enrollment
    "enrollment:screening-list": Route(params=(ScreeningListParams,)),
    "enrollment:screening-add": Route(post=True),
    "enrollment:screening-detail": Route(lambda w: {"pk": w.screening.pk}),
    "enrollment:screening-edit": Route(lambda w: {"pk": w.screening.pk}, post=True),
    "enrollment:screening-fail": Route(
        lambda w: {"pk": w.screening.pk},
        post=True,
        get=False,
        form_on=("enrollment:screening-detail", lambda w: {"pk": w.screening.pk}),
    ),
    "enrollment:consent-add": Route(lambda w: {"pk": w.screening.pk}, post=True),
    "enrollment:consent-edit": Route(lambda w: {"pk": w.consent.pk}, post=True),
    "enrollment:participant-enroll": Route(lambda w: {"pk": w.screening.pk}, post=True),
    "enrollment:participant-list": Route(params=(ParticipantListParams,)),
    "enrollment:participant-detail": Route(P),
    "enrollment:participant-status": Route(P, post=True),
    "enrollment:study-settings": Route(post=True, writer=DM),
    # cycles
    "cycles:due-visits": Route(params=(DueVisitParams,)),
    "cycles:participant-calendar": Route(PP),
    "cycles:cycle-start": Route(PP, post=True),
    "cycles:transplant-add": Route(PP, post=True),
    "cycles:transplant-edit": Route(lambda w: {"pk": w.transplant.pk}, post=True),
    "cycles:cycle-detail": Route(CYC),
    "cycles:cycle-edit": Route(CYC, post=True),
    "cycles:segment-add": Route(CYC, post=True),
    "cycles:visit-record": Route(lambda w: {"cycle_pk": w.cycle.pk, "code": "D8"}, post=True),
    "cycles:segment-edit": Route(lambda w: {"pk": w.segment.pk}, post=True),
    "cycles:administration-record": Route(lambda w: {"pk": w.administration.pk}, post=True),
    "cycles:dose-grid": Route(lambda w: {"cycle_pk": w.cycle.pk, "day": 1}, post=True),
    # assessments
    "assessments:status-matrix": Route(params=(MatrixParams,)),
    "assessments:participant-assessments": Route(PP),
    "assessments:eoc-detail": Route(lambda w: {"participant_pk": w.participant.pk, "timepoint": "EOC1"}),
    **{f"assessments:{kind}-add": Route(PP, post=True, params=(TimepointParams,)) for kind in PARTICIPANT_FORMS},
    **{f"assessments:{kind}-add": Route(lambda w: {"marrow_pk": w.marrow.pk}, post=True) for kind in MARROW_FORMS},
    **{
        f"assessments:{kind}-edit": Route(lambda w, kind=kind: {"pk": w.records[kind].pk}, post=True)
        for kind in (*PARTICIPANT_FORMS, *MARROW_FORMS)
    },
    # safety
    "safety:participant-safety": Route(PP),
    "safety:ae-detail": Route(lambda w: {"pk": w.crs_ae.pk}),
    "safety:sae-list": Route(),
    **{f"safety:{kind}-add": Route(PP, post=True) for kind in SAFETY_PARTICIPANT_FORMS},
    **{f"safety:{kind}-add": Route(lambda w: {"ae_pk": w.crs_ae.pk}, post=True) for kind in SAFETY_AE_FORMS},
    **{
        f"safety:{kind}-edit": Route(lambda w, kind=kind: {"pk": w.safety[kind].pk}, post=True)
        for kind in (*SAFETY_PARTICIPANT_FORMS, *SAFETY_AE_FORMS)
    },
    # endpoints
    "endpoints:dashboard": Route(params=(DashboardParams,)),
    "endpoints:group": Route(lambda w: {"cutoff": CUTOFF.isoformat(), "scope": "ALL"}, params=(DashboardParams,)),
    "endpoints:plot": Route(
        lambda w: {"cutoff": CUTOFF.isoformat(), "scope": "ALL", "name": "os"}, params=(DashboardParams,)
    ),
    "endpoints:participant": Route(P, params=(DashboardParams,)),
    # integrity
    "integrity:audit-list": Route(params=(AuditPageParams, AuditFilterForm)),
    "integrity:participant-audit": Route(P, params=(AuditPageParams, AuditFilterForm)),
    "integrity:record-audit": Route(_record, params=(AuditPageParams, AuditFilterForm)),
    "integrity:field-history": Route(
        lambda w: {**_record(w), "field": "hb_g_per_l"}, params=(AuditPageParams, AuditFilterForm)
    ),
    "integrity:record-remove": Route(_record, post=True),
    "integrity:query-list": Route(params=(QueryListParams,)),
    "integrity:query-raise": Route(_record, post=True, params=(FieldParams,), writer=DM),
    "integrity:query-detail": Route(lambda w: {"pk": w.query.pk}),
    "integrity:query-action": Route(
        lambda w: {"pk": w.query.pk, "action": "answer"},
        post=True,
        get=False,
        form_on=("integrity:query-detail", lambda w: {"pk": w.query.pk}),
    ),
    "integrity:sign": Route(P, post=True, params=(TimepointParams,), writer=INV),
    "integrity:signature-print": Route(P, params=(TimepointParams,)),
    "integrity:lock-list": Route(),
    "integrity:lock-create": Route(post=True, params=(LockCreateParams,), writer=DM),
    "integrity:lock-unlock": Route(lambda w: {"pk": w.lock.pk}, post=True, writer=DM),
    "integrity:security-log": Route(params=(SecurityLogParams,)),
    "integrity:sdv-progress": Route(),
    "integrity:sdv-verify": Route(
        _record, post=True, get=False, form_on=("assessments:cbc-edit", lambda w: {"pk": w.cbc.pk}),
        writer=access.MONITOR,
    ),
    # exports
    "exports:snapshot-list": Route(),
    "exports:snapshot-create": Route(post=True, writer=DM),
    "exports:snapshot-detail": Route(lambda w: {"pk": w.snapshot.pk}),
    "exports:snapshot-status": Route(lambda w: {"pk": w.snapshot.pk}),
    "exports:snapshot-download": Route(lambda w: {"pk": w.snapshot.pk}),
}


# --- The URL patterns ---------------------------------------------------------------------------


def walk(patterns=None, namespace: str = "", prefix: str = ""):
    """(key, URLPattern, full route) of every pattern of the project; the key is the qualified name, or
    `namespace:/route` for a pattern without a name (the admin has some)."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from walk(p.url_patterns, inner, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            name = p.name or f"/{route}"
            yield (f"{namespace}:{name}" if namespace else name), p, route


def admin_patterns() -> list[tuple[str, URLPattern, str]]:
    return [entry for entry in walk() if entry[0].startswith("admin:")]


def url_of_route(route: str, kwargs: dict) -> str:
    """The address of an unnamed pattern, its arguments put in (quoted)."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(str(kwargs[m.group(1)])), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: quote(str(kwargs[m.group(1)])), route)
    return "/" + route.replace("^", "").replace("$", "")


def admin_kwargs(name: str, pattern: URLPattern, w) -> dict:
    """Path arguments of an admin pattern: an existing object of its model, a real app label."""
    kwargs = {}
    model = admin_model(name)
    groups = pattern.pattern.regex.groupindex
    if name.startswith("admin:/"):  # unnamed: the model is named by the route
        model = next((m for m in admin.site._registry if f"/{m._meta.app_label}/{m._meta.model_name}/" in name), None)
    if "object_id" in groups:
        obj = model._default_manager.order_by("pk").first() if model is not None else None
        kwargs["object_id"] = str(obj.pk) if obj is not None else "1"
    if "content_type_id" in groups:
        kwargs["content_type_id"] = ContentType.objects.get_for_model(w.site._meta.model).pk
        kwargs["object_id"] = str(w.site.pk)
    if "app_label" in groups:
        kwargs["app_label"] = "enrollment"
    if "url" in groups:
        kwargs["url"] = "no/such/page/"
    if "id" in groups:
        kwargs["id"] = str(w.users[access.COORDINATOR].pk)
    return kwargs


def admin_model(name: str):
    """The model of an admin pattern named `admin:<app>_<model>_<view>` (None for the site's own pages)."""
    for model in admin.site._registry:
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    return None


def admin_params(name: str) -> list[str]:
    model = admin_model(name)
    filters = []
    if model is not None:
        for item in admin.site._registry[model].list_filter:
            filters.append(f"{item}__exact" if isinstance(item, str) else "o")
    return [*ADMIN_QUERY, *filters]

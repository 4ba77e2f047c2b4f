"""Read API: every clinical form, the audit feed, data queries, stored endpoint results.

Everything is fetched through `visible_to(user)` (or the user's site ids): another site's record is a 404 and
absent from every list. Views are thin: parse the query (a bad value is a 400 naming the parameter), fetch,
paginate, serialize.
"""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api import audit_feed, filters, writes
from api.pagination import IdCursorPagination, RecordCursorPagination
from api.records import ApiForm, api_forms
from api.serializers import (
    DATA_QUERY_VALUES,
    AuditPageSerializer,
    DataQuerySerializer,
    ParticipantResultSerializer,
    SnapshotSerializer,
)
from blinatrial.access import DATA_MANAGER, INVESTIGATOR, MONITOR, has_role, visible_site_ids
from endpoints import services
from endpoints.models import DashboardPanel, EndpointSnapshot, ParticipantResult
from enrollment.models import Site
from integrity.audit import audited_models, model_key
from integrity.models import DataQuery

RESULT_ROLES = (INVESTIGATOR, DATA_MANAGER, MONITOR)  # who sees the endpoint dashboard sees its stored results
NO_RESULTS = "Endpoint results are for investigators, data managers and monitors."


RECORD_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="record_id of the record")


def _record_parameters(form: ApiForm) -> list[OpenApiParameter]:
    params = [OpenApiParameter("site", str, description="Site code, e.g. 01.")]
    if form.participant_lookup:
        params.append(OpenApiParameter("participant", str, description="Participant ID, e.g. 01-007."))
    if form.timepoint_lookup:
        params.append(OpenApiParameter(
            "timepoint", str, description="Timepoint code.", enum=[c for c, _ in form.timepoint_choices] or None
        ))
    params.append(OpenApiParameter(
        "updated_since", OpenApiTypes.DATETIME, description="Only rows changed at or after this moment (ISO 8601)."
    ))
    params.append(OpenApiParameter("page_size", int, description="Rows per page (at most 1000)."))
    return params


class FormRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Base of the per-form viewsets that `form_viewset` makes."""

    api_form: ApiForm
    pagination_class = RecordCursorPagination
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self):
        return self.api_form.serializer

    def get_queryset(self) -> QuerySet:
        form = self.api_form
        qs = form.model.objects.visible_to(self.request.user)
        if self.action == "list":
            qs = self._filtered(qs, filters.parse(filters.RecordFilters, self.request))
        return qs.values(*form.lookups)

    def _filtered(self, qs: QuerySet, query: dict) -> QuerySet:
        form = self.api_form
        if query.get("site"):
            qs = qs.filter(**{form.site_lookup: query["site"]})
        if query.get("participant") and form.participant_lookup:
            qs = qs.filter(**{form.participant_lookup: query["participant"]})
        if query.get("timepoint") and form.timepoint_lookup:
            qs = qs.filter(**{form.timepoint_lookup: query["timepoint"]})
        if query.get("updated_since"):
            qs = qs.filter(updated_at__gte=query["updated_since"])
        return qs


def form_viewset(form: ApiForm) -> type[FormRecordViewSet]:
    """A read-only viewset of one form (a class per form, so the schema names each one's rows)."""
    name = f"{form.model.__name__}ViewSet"
    bases = (writes.WritableFormMixin, FormRecordViewSet) if form.name in writes.WRITABLE else (FormRecordViewSet,)
    viewset = type(name, bases, {"api_form": form, "__doc__": f"{form.title} of your sites."})
    return _with_schema(viewset, form)


def _with_schema(viewset, form: ApiForm):
    list_schema = extend_schema(
        summary=f"{form.title}: list", parameters=_record_parameters(form), tags=[form.name]
    )
    retrieve_schema = extend_schema(summary=f"{form.title}: one record", tags=[form.name], parameters=[RECORD_ID])
    viewset.list = list_schema(_copy(FormRecordViewSet.list))
    viewset.retrieve = retrieve_schema(_copy(FormRecordViewSet.retrieve))
    if form.name in writes.WRITABLE:
        viewset.create = writes.write_schema(form, create=True)(_copy(writes.WritableFormMixin.create))
        viewset.partial_update = writes.write_schema(form, create=False)(
            _copy(writes.WritableFormMixin.partial_update)
        )
    return viewset


def _copy(method):
    def call(self, request, *args, **kwargs):
        return method(self, request, *args, **kwargs)

    call.__name__ = method.__name__
    return call


def form_viewsets() -> list[tuple[ApiForm, type[FormRecordViewSet]]]:
    return [(form, form_viewset(form)) for form in api_forms()]


class AuditFeedView(APIView):
    """The audit trail of your sites, one item per event (insert, update, delete of a record), oldest first."""

    @extend_schema(
        summary="Audit trail: events",
        parameters=[
            filters.AuditFilters,
            OpenApiParameter("cursor", str, description="The 'next' link's cursor."),
            OpenApiParameter("page_size", int, description="Events per page (at most 1000)."),
        ],
        responses=AuditPageSerializer,
        tags=["audit"],
    )
    def get(self, request: Request) -> Response:
        query = filters.parse(filters.AuditFilters, request)
        form_key = ""
        if query.get("form"):
            form_key = _form_key(query["form"])
        size = _page_size(request)
        after = None
        if cursor := request.query_params.get("cursor"):
            try:
                after = audit_feed.Position.decode(cursor)
            except audit_feed.BadCursor as exc:
                raise ValidationError({"cursor": [str(exc)]}) from exc
        items, position = audit_feed.feed_page(
            user=request.user, after=after, size=size, site_code=query.get("site", ""),
            participant_id=query.get("participant", ""), form_key=form_key, since=query.get("since"),
        )
        next_url = None
        if position is not None:
            params = request.query_params.copy()
            params["cursor"] = position.encode()
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response(AuditPageSerializer({"next": next_url, "results": items}).data)


def _form_key(name: str) -> str:
    """The audited model of a form name (its CSV stem) or model key (app.model)."""
    for form in api_forms():
        if name == form.name:
            return model_key(form.model)
    if any(model_key(m) == name for m in audited_models()):
        return name
    raise ValidationError({"form": [f"Unknown form '{name}'."]})


def _page_size(request: Request) -> int:
    paginator = RecordCursorPagination()
    return paginator.get_page_size(request)


@extend_schema(tags=["queries"])
class DataQueryList(generics.ListAPIView):
    """Data queries on the records of your sites (open, answered, closed)."""

    serializer_class = DataQuerySerializer
    pagination_class = IdCursorPagination

    @extend_schema(summary="Data queries: list", parameters=[
        filters.QueryFilters, OpenApiParameter("page_size", int, description="Rows per page (at most 1000).")
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        query = filters.parse(filters.QueryFilters, self.request)
        qs = DataQuery.objects.visible_to(self.request.user)
        if query.get("site"):
            qs = qs.filter(site__code=query["site"])
        if query.get("participant"):
            qs = qs.filter(participant__participant_id=query["participant"])
        if query.get("status"):
            qs = qs.filter(status=query["status"])
        return qs.values(*DATA_QUERY_VALUES)


def _result_scopes(user) -> list[str]:
    """The results blocks the user may see, as the dashboard shows them ("ALL" only to a user of every site)."""
    if not has_role(user, *RESULT_ROLES):
        raise PermissionDenied(NO_RESULTS)
    site_ids = visible_site_ids(user)
    sites = list(Site.objects.order_by("code").values_list("pk", "code"))
    mine = [code for pk, code in sites if site_ids is None or pk in site_ids]
    return [DashboardPanel.ALL, *mine] if len(mine) == len(sites) else mine


@extend_schema(tags=["results"])
class SnapshotDetail(APIView):
    """Stored endpoint results of one data cut-off (the latest without `cutoff`)."""

    @extend_schema(
        summary="Endpoint results of a cut-off",
        parameters=[OpenApiParameter("cutoff", OpenApiTypes.DATE, description="Data cut-off; default: the latest.")],
        responses=SnapshotSerializer,
    )
    def get(self, request: Request) -> Response:
        scopes = _result_scopes(request.user)
        query = filters.parse(filters.ResultFilters, request)
        snapshots = EndpointSnapshot.objects.order_by("-cutoff")
        if query.get("cutoff"):
            snapshots = snapshots.filter(cutoff=query["cutoff"])
        snapshot = snapshots.first()
        if snapshot is None:
            raise NotFound("No endpoint results are stored for this cut-off.")
        return Response(SnapshotSerializer(_snapshot_for(snapshot, scopes)).data)


def _snapshot_for(snapshot: EndpointSnapshot, scopes: list[str]) -> dict:
    results = services.snapshot_results(snapshot, scopes) if snapshot.results else {}
    by_site = results.get("by_site") or {}
    blocks = {}
    for scope in scopes:
        if scope == DashboardPanel.ALL:
            blocks[scope] = {k: v for k, v in results.items() if k not in ("by_site", "funnel")}
        elif scope in by_site:
            blocks[scope] = by_site[scope]
    return {
        "cutoff": snapshot.cutoff, "data_version": snapshot.data_version, "calc_version": snapshot.calc_version,
        "computed_at": snapshot.computed_at, "n_participants": snapshot.n_participants,
        "n_treated": snapshot.n_treated, "results": blocks,
    }


@extend_schema(tags=["results"])
class ParticipantResultList(generics.ListAPIView):
    """Each participant's stored endpoint values and safety block at a cut-off (the latest without `cutoff`)."""

    serializer_class = ParticipantResultSerializer
    pagination_class = IdCursorPagination

    @extend_schema(summary="Participant results: list", parameters=[
        filters.ResultFilters, OpenApiParameter("page_size", int, description="Rows per page (at most 1000).")
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        scopes = _result_scopes(self.request.user)
        query = filters.parse(filters.ResultFilters, self.request)
        cutoff = query.get("cutoff") or (
            EndpointSnapshot.objects.order_by("-cutoff").values_list("cutoff", flat=True).first()
        )
        qs = ParticipantResult.objects.filter(cutoff=cutoff)
        if DashboardPanel.ALL not in scopes:
            qs = qs.filter(site_code__in=scopes)
        if query.get("site"):
            qs = qs.filter(site_code=query["site"])
        if query.get("participant"):
            qs = qs.filter(participant_id=query["participant"])
        return qs


class ApiRoot(APIView):
    """Links to every resource."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        links = {form.name: reverse(f"api:{form.name}-list", request=request) for form in api_forms()}
        for name in ("audit", "queries", "results", "participant-results", "schema", "docs"):
            links[name] = reverse(f"api:{name}", request=request)
        return Response(links)


class NotFoundView(APIView):
    """Any other address under /api/v1/: a JSON 404 (after authentication, like every API answer)."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args, **kwargs) -> Response:
        raise NotFound("No such API address: see /api/v1/ for the resources.")

    post = put = patch = delete = get

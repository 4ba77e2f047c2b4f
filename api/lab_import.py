"""POST /api/v1/lab-import/: a central lab's flow and NGS MRD results, as the "Import lab results" page takes them.

The body is the file itself: `Content-Type: text/csv` or `application/json` (the same columns as the page's
file). `?dry_run=true` checks every row and saves nothing. All or nothing: one bad row saves no row, and the
answer lists every bad row and column. The token's name goes into each saved row's audit context.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.writes import _token_context
from assessments import lab_import

DRY_RUN = OpenApiParameter(
    "dry_run", OpenApiTypes.BOOL, OpenApiParameter.QUERY, description="check every row and save nothing"
)


class CsvFileParser(BaseParser):
    """A CSV file as the body: handed on as bytes (the import reads and checks it)."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read() if stream is not None else b""


class JsonFileParser(BaseParser):
    """A JSON file as the body: handed on as bytes (the import reads and checks it)."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read() if stream is not None else b""


REPORT = inline_serializer(
    "LabImportReport",
    fields={
        "saved": serializers.IntegerField(),
        "rows": serializers.IntegerField(),
        "dry_run": serializers.BooleanField(),
        "batch": serializers.CharField(help_text="the file's id, in each saved row's audit reason"),
        "errors": inline_serializer(
            "LabImportRowError",
            fields={
                "row": serializers.IntegerField(help_text="1-based data row (header not counted); 0: the whole file"),
                "field": serializers.CharField(help_text="the column as named in the file"),
                "message": serializers.CharField(),
            },
            many=True,
        ),
    },
)


DRY_RUN_VALUES = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def _dry_run(request: Request) -> bool | None:
    """The dry_run parameter (default false); None when it is neither true nor false."""
    return DRY_RUN_VALUES.get(request.query_params.get("dry_run", "false").strip().lower())


def _report(report: lab_import.ImportReport) -> dict:
    return {
        "saved": report.saved,
        "rows": report.rows,
        "dry_run": report.dry_run,
        "batch": report.batch_id,
        "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in report.errors],
    }


class LabImportView(APIView):
    parser_classes = [CsvFileParser, JsonFileParser]

    @extend_schema(
        operation_id="lab_import",
        summary="Import a central lab's flow and NGS MRD results (all rows or none)",
        parameters=[DRY_RUN],
        request={
            "text/csv": OpenApiRequest(OpenApiTypes.STR),
            "application/json": OpenApiRequest(OpenApiTypes.ANY),
        },
        responses={200: REPORT, 400: REPORT},
    )
    def post(self, request: Request) -> Response:
        dry_run = _dry_run(request)
        if dry_run is None:  # answered as a report, like every other refusal of this operation
            refused = lab_import.ImportReport(0, [lab_import.RowError(0, "dry_run", "Give true or false.")])
            return Response(_report(refused), status=status.HTTP_400_BAD_REQUEST)
        fmt = "json" if request.content_type.split(";")[0].strip() == "application/json" else "csv"
        data = request.data if isinstance(request.data, bytes) else b""  # an empty body parses to an empty dict
        try:
            with _token_context(request), translation.override("en-gb"):  # the API answers in English
                report = lab_import.run_import(user=request.user, data=data, fmt=fmt, dry_run=dry_run)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(_report(report), status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)

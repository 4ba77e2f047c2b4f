"""API writes: create and correct marrow, blood count, flow MRD and NGS MRD records through the app's own forms
and `integrity.services.save_record`, so every validation, clean() rule, lock and audit context of the pages
applies. An edit names its reason (`reason` or the X-Reason-For-Change header) and the row version it was made
from (`row_version` or If-Match); the API token's name goes into the audit context (`api_token`).
"""

import contextlib
import datetime
import decimal
from dataclasses import dataclass

import pghistory
from django import forms as django_forms
from django.db import models
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404
from django.utils.html import strip_tags
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.models import ApiToken
from api.records import ApiForm
from assessments.models import BoneMarrowAssessment
from assessments.views import MARROW_FORMS, PARTICIPANT_FORMS
from blinatrial.access import DATA_ENTRY_ROLES, has_role
from enrollment.models import Participant
from integrity import services

NOT_A_WRITER = "Your role may read but not enter or change data."
REASON_NEEDED = "A reason for change is required to edit saved data (the 'reason' field or X-Reason-For-Change)."
VERSION_NEEDED = "Send the row_version you edited (the 'row_version' field or an If-Match header)."
# The form's own bookkeeping fields: the API has its own names for them (reason, row_version).
FORM_BOOKKEEPING = {"row_version", "submission_token", "change_reason", "change_reason_detail"}
REASON_MAX = 400


@dataclass(frozen=True)
class WriteSpec:
    form_class: type[django_forms.ModelForm]
    parent: str  # "participant": the body names participant_id; "marrow": marrow_record_id


WRITABLE = {
    "bone_marrow_assessments": WriteSpec(PARTICIPANT_FORMS["marrow"][1], "participant"),
    "blood_counts": WriteSpec(PARTICIPANT_FORMS["cbc"][1], "participant"),
    "flow_mrd_results": WriteSpec(MARROW_FORMS["flow"][1], "marrow"),
    "ngs_mrd_results": WriteSpec(MARROW_FORMS["ngs"][1], "marrow"),
}
PARENT_FIELDS = {"participant": "participant_id", "marrow": "marrow_record_id"}


def _form_fields(spec: WriteSpec) -> dict[str, django_forms.Field]:
    fields = dict(spec.form_class.base_fields)
    if "clone_trackable" in fields:  # NgsMrdForm.__init__ makes it a yes/no choice: true or false here
        fields["clone_trackable"] = django_forms.NullBooleanField(label="Baseline clone trackable")
    return {name: f for name, f in fields.items() if name not in FORM_BOOKKEEPING}


def _api_field(field: django_forms.Field, *, required: bool) -> serializers.Field:
    common = {"required": required, "help_text": strip_tags(str(field.help_text or field.label or "")) or None}
    if isinstance(field, django_forms.NullBooleanField):
        return serializers.BooleanField(allow_null=True, **common)
    if isinstance(field, django_forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, django_forms.ChoiceField):
        choices = [(c, label) for c, label in field.choices if c not in ("", None)]
        return serializers.ChoiceField(choices=choices, allow_blank=not required, allow_null=not required, **common)
    if isinstance(field, django_forms.DateField):
        return serializers.DateField(allow_null=not required, **common)
    if isinstance(field, django_forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits, decimal_places=field.decimal_places, coerce_to_string=False,
            allow_null=not required, **common,
        )
    if isinstance(field, django_forms.IntegerField):
        return serializers.IntegerField(allow_null=not required, **common)
    if isinstance(field, django_forms.FloatField):
        return serializers.FloatField(allow_null=not required, **common)
    return serializers.CharField(allow_blank=True, allow_null=True, **common)


def request_serializer(form: ApiForm, *, create: bool) -> type[serializers.Serializer]:
    """The documented body of a create (POST) or an edit (PATCH) of `form` (the schema's view of the form)."""
    spec = WRITABLE[form.name]
    fields = {
        name: _api_field(f, required=create and f.required and not isinstance(f, django_forms.BooleanField))
        for name, f in _form_fields(spec).items()
    }
    if create:
        parent = PARENT_FIELDS[spec.parent]
        fields[parent] = (
            serializers.CharField(help_text="Participant ID, e.g. 01-007")
            if spec.parent == "participant"
            else serializers.IntegerField(help_text="record_id of the bone marrow assessment")
        )
    else:
        fields["reason"] = serializers.CharField(
            required=False, max_length=REASON_MAX, help_text="Reason for change (or X-Reason-For-Change)"
        )
        fields["row_version"] = serializers.IntegerField(
            required=False, help_text="The row_version you edited (or If-Match)"
        )
    suffix = "Create" if create else "Edit"
    return type(f"{form.model.__name__}{suffix}", (serializers.Serializer,), fields)


# 400, 401, 403, 404 and 429 are declared for every operation by api.schema_hooks.
DETAIL = inline_serializer("Detail", fields={"detail": serializers.CharField()})
CONFLICT = inline_serializer(
    "EditConflict", fields={"detail": serializers.CharField(), "row_version": serializers.IntegerField()}
)


def write_schema(form: ApiForm, *, create: bool):
    ok = status.HTTP_201_CREATED if create else status.HTTP_200_OK
    responses = {ok: form.serializer, 423: OpenApiResponse(DETAIL, description="Locked: the lock's message")}
    parameters = []
    if not create:
        parameters.append(OpenApiParameter("id", int, OpenApiParameter.PATH, description="record_id of the record"))
        responses[409] = OpenApiResponse(CONFLICT, description="Saved by someone else since that row_version")
        parameters += [
            OpenApiParameter("X-Reason-For-Change", str, OpenApiParameter.HEADER, description="Reason for change"),
            OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, description="The row_version you edited"),
        ]
    return extend_schema(
        summary=f"{form.title}: {'enter a record' if create else 'correct a record'}",
        request=request_serializer(form, create=create),
        responses=responses,
        parameters=parameters,
        tags=[form.name],
    )


def _form_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _body(request: Request, allowed: set[str]) -> dict:
    data = request.data
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["Send a JSON object of field names and values."]})
    unknown = sorted(set(data) - allowed)
    errors = {name: ["Unknown field."] for name in unknown}
    for name, value in data.items():
        if isinstance(value, dict | list):
            errors[name] = ["Send a single value (text, number, true/false or null)."]
    if errors:
        raise ValidationError(errors)
    return data


def _form_errors(form: django_forms.Form) -> dict[str, list[str]]:
    out = {}
    for name, messages in form.errors.items():
        key = "non_field_errors" if name == "__all__" else name
        out[key] = [strip_tags(str(m)) for m in messages]
    return out


def _writer(request: Request) -> None:
    if not has_role(request.user, *DATA_ENTRY_ROLES):
        raise PermissionDenied(NOT_A_WRITER)


def _token_context(request: Request):
    """The token's name in the audit context of the write (save_record's own context inherits it)."""
    name = request.auth.name if isinstance(request.auth, ApiToken) else ""
    return pghistory.context(api_token=name) if name else contextlib.nullcontext()


def _parent(request: Request, spec: WriteSpec, data: dict):
    name = PARENT_FIELDS[spec.parent]
    value = data.get(name)
    if value in (None, ""):
        raise ValidationError({name: ["This field is required."]})
    if "\x00" in str(value):
        raise ValidationError({name: ["Null characters are not allowed."]})
    if spec.parent == "participant":
        found = Participant.objects.visible_to(request.user).select_related("screening").filter(
            participant_id=str(value)
        ).first()
        missing = f"No participant {value} at your sites."
    else:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            whole = "Give the record_id (a whole number) of a bone marrow assessment."
            raise ValidationError({name: [whole]}) from None
        found = BoneMarrowAssessment.objects.visible_to(request.user).select_related(
            "participant__screening"
        ).filter(pk=pk).first()
        missing = f"No bone marrow assessment {value} at your sites."
    if found is None:
        raise ValidationError({name: [missing]})
    return {spec.parent: found}


def _saved(form: ApiForm, pk: int, code: int) -> Response:
    row = form.model._base_manager.filter(pk=pk).values(*form.lookups).get()
    return Response(form.serializer(row).data, status=code)


def _save(request: Request, bound: django_forms.ModelForm, **kwargs) -> models.Model | Response:
    if not bound.is_valid():
        return Response(_form_errors(bound), status=status.HTTP_400_BAD_REQUEST)
    try:
        with _token_context(request):
            return services.save_record(bound, user=request.user, **kwargs)
    except services.RecordLocked as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_423_LOCKED)
    except services.EditConflict as exc:
        return Response({"detail": str(exc), "row_version": exc.current.row_version}, status=status.HTTP_409_CONFLICT)


class WritableFormMixin:
    """POST (create) and PATCH (correct) for the forms in WRITABLE; mixed into their viewsets."""

    api_form: ApiForm

    def create(self, request: Request, *args, **kwargs) -> Response:
        _writer(request)
        spec = WRITABLE[self.api_form.name]
        fields = _form_fields(spec)
        data = _body(request, set(fields) | {PARENT_FIELDS[spec.parent]})
        parent = _parent(request, spec, data)
        form_data = {name: _form_value(data.get(name)) for name in fields}
        bound = spec.form_class(form_data, **parent)
        saved = _save(request, bound)
        return saved if isinstance(saved, Response) else _saved(self.api_form, saved.pk, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        _writer(request)
        spec = WRITABLE[self.api_form.name]
        fields = _form_fields(spec)
        data = _body(request, set(fields) | {"reason", "row_version"})
        record = self._record()
        reason = _reason(request, data)
        version = _version(request, data)
        current = {k: _form_value(v) for k, v in model_to_dict(record, fields=list(fields)).items()}
        form_data = {**current, **{k: _form_value(v) for k, v in data.items() if k in fields}}
        parent = {"participant": record.participant} if spec.parent == "participant" else {"marrow": record.marrow}
        bound = spec.form_class(form_data, instance=record, **parent)
        bound.fields.pop("change_reason", None)  # the API's reason is free text, passed to save_record
        bound.fields.pop("change_reason_detail", None)
        saved = _save(request, bound, reason=reason, expected_version=version)
        return saved if isinstance(saved, Response) else _saved(self.api_form, saved.pk, status.HTTP_200_OK)

    def _record(self) -> models.Model:
        model = self.api_form.model
        related = "participant__screening" if WRITABLE[self.api_form.name].parent == "participant" else (
            "marrow__participant__screening"
        )
        qs = model.objects.visible_to(self.request.user).select_related(related)
        return get_object_or_404(qs, pk=self.kwargs["pk"])


def _reason(request: Request, data: dict) -> str:
    reason = data.get("reason")
    if reason in (None, ""):
        reason = request.headers.get("X-Reason-For-Change", "")
    reason = str(reason).strip()
    if not reason:
        raise ValidationError({"reason": [REASON_NEEDED]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"At most {REASON_MAX} characters."]})
    return reason


def _version(request: Request, data: dict) -> int:
    raw = data.get("row_version")
    if raw in (None, ""):
        raw = request.headers.get("If-Match", "").removeprefix("W/").strip().strip('"')
    if raw in (None, ""):
        raise ValidationError({"row_version": [VERSION_NEEDED]})
    if isinstance(raw, bool):
        raise ValidationError({"row_version": ["A whole number."]})
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"row_version": ["A whole number."]}) from None

"""Read serializers of every clinical form, derived from the models the way the CSV snapshot derives its files.

Nothing here names a clinical model: each `exports.datasets.FormFile` (a concrete ClinicalRecord) becomes
a read-only serializer whose fields are the columns of its CSV file (record id, participant ID as people know
it, site code, cycle and timepoint where the model has them, its own fields, row_version, created_at,
updated_at), read with one `values()` query per page.
"""

from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers

from exports.datasets import FormFile, form_files
from integrity.cells import BOOLEAN, CODE, DATE, DATETIME, DECIMAL, DURATION, FLOAT, INTEGER, JSON, TIME, Column
from integrity.model_meta import participant_path, timepoint_path
from integrity.models import ClinicalRecord


def model_field(model: type[models.Model], lookup: str) -> models.Field | None:
    """The model field at the end of an ORM path ("marrow__timepoint" -> FlowMrd.marrow.timepoint)."""
    parts = lookup.split("__")
    for i, part in enumerate(parts):
        try:
            field = model._meta.get_field("id" if part == "pk" else part)
        except FieldDoesNotExist:
            return None
        if i < len(parts) - 1:
            if not field.is_relation:
                return None
            model = field.related_model
    return field


def _serializer_field(model: type[models.Model], column: Column) -> serializers.Field:
    common = {"read_only": True, "help_text": column.label or None}
    if column.lookup != column.name:
        common["source"] = column.lookup
    if column.name == "record_id":
        return serializers.IntegerField(**common)
    common["allow_null"] = True
    field = model_field(model, column.lookup)
    kind = column.kind
    if kind == CODE and field is not None and field.choices:
        return serializers.ChoiceField(choices=list(field.flatchoices), allow_blank=True, **common)
    if kind == INTEGER:
        return serializers.IntegerField(**common)
    if kind == DECIMAL:
        return serializers.DecimalField(max_digits=None, decimal_places=None, coerce_to_string=False, **common)
    if kind == FLOAT:
        return serializers.FloatField(**common)
    if kind == BOOLEAN:
        return serializers.BooleanField(**common)
    if kind == DATE:
        return serializers.DateField(**common)
    if kind == DATETIME:
        return serializers.DateTimeField(**common)
    if kind == TIME:
        return serializers.TimeField(**common)
    if kind == DURATION:
        return serializers.DurationField(**common)
    if kind == JSON:
        return serializers.JSONField(**common)
    return serializers.CharField(allow_blank=True, **common)


@dataclass(frozen=True)
class ApiForm:
    """One clinical form as the API serves it: `/api/v1/forms/<name>/`."""

    form: FormFile

    @property
    def model(self) -> type[models.Model]:
        return self.form.model

    @cached_property
    def name(self) -> str:
        return self.form.file_name.removesuffix(".csv")

    @cached_property
    def title(self) -> str:
        return str(self.model._meta.verbose_name_plural).capitalize()

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        """The CSV file's columns, plus the record id of each parent record the file's keys stand in for (a flow
        MRD's marrow: the file shows its timepoint; the API needs the link too)."""
        names = {c.name for c in self.form.columns}
        links = [
            Column(f"{f.name}_record_id", INTEGER, f"Record id of the {f.verbose_name}", lookup=f.attname)
            for f in self.model._meta.concrete_fields
            if f.many_to_one and issubclass(f.related_model, ClinicalRecord)
            and f.name != "participant" and f"{f.name}_record_id" not in names
        ]
        return (*self.form.columns, *links)

    @cached_property
    def lookups(self) -> list[str]:
        return [c.lookup for c in self.columns]

    @cached_property
    def participant_lookup(self) -> str | None:
        return participant_path(self.model)

    @cached_property
    def site_lookup(self) -> str | None:
        lookup = getattr(self.model, "site_lookup", None)
        return f"{lookup}__code" if lookup else None

    @cached_property
    def timepoint_lookup(self) -> str | None:
        return timepoint_path(self.model)

    @cached_property
    def timepoint_choices(self) -> list[tuple[str, str]]:
        field = model_field(self.model, self.timepoint_lookup) if self.timepoint_lookup else None
        return list(field.flatchoices) if field is not None and field.choices else []

    @cached_property
    def serializer(self) -> type[serializers.Serializer]:
        fields = {c.name: _serializer_field(self.model, c) for c in self.columns}
        return type(f"{self.model.__name__}Record", (serializers.Serializer,), fields)


@lru_cache(maxsize=1)
def api_forms() -> tuple[ApiForm, ...]:
    return tuple(ApiForm(f) for f in form_files())


def api_form(name: str) -> ApiForm | None:
    return next((f for f in api_forms() if f.name == name), None)

"""What the ground reads off each clinical model's own declarations, for every layer above it.

A clinical model may declare `participant_lookup`, `timepoint_lookup` and `site_lookup` (ORM paths);
otherwise a field named `participant` / `timepoint`, or one hop through a parent clinical record,
says it. Locks, the audit views, edit checks and the snapshot all ask here, so no layer below
`exports` needs to import it.
"""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from integrity.cells import BOOLEAN, CODE, DATE, DATETIME, DECIMAL, DURATION, FLOAT, INTEGER, JSON, TEXT, TIME
from integrity.models import ClinicalRecord

PARTICIPANT_LABEL = "enrollment.Participant"


def participant_model() -> type[models.Model]:
    """The trial's participant model, looked up by label (as get_user_model does): the ground imports no app."""
    return apps.get_model(PARTICIPANT_LABEL)

_FIELD_KINDS = {
    "AutoField": INTEGER,
    "BigAutoField": INTEGER,
    "SmallAutoField": INTEGER,
    "IntegerField": INTEGER,
    "SmallIntegerField": INTEGER,
    "BigIntegerField": INTEGER,
    "PositiveIntegerField": INTEGER,
    "PositiveSmallIntegerField": INTEGER,
    "PositiveBigIntegerField": INTEGER,
    "DecimalField": DECIMAL,
    "FloatField": FLOAT,
    "BooleanField": BOOLEAN,
    "NullBooleanField": BOOLEAN,
    "DateField": DATE,
    "DateTimeField": DATETIME,
    "TimeField": TIME,
    "JSONField": JSON,
    "DurationField": DURATION,
}


def clinical_models() -> list[type[models.Model]]:
    """Every concrete clinical model, in app and definition order (the order of the files)."""
    return [
        m for m in apps.get_models() if issubclass(m, ClinicalRecord) and not m._meta.abstract and not m._meta.proxy
    ]


def field_kind(field: models.Field) -> str:
    if field.is_relation:
        return field_kind(field.target_field)
    kind = _FIELD_KINDS.get(field.get_internal_type(), TEXT)
    if kind == TEXT and field.choices:
        return CODE
    return kind


def participant_path(model: type[models.Model], _depth: int = 0) -> str | None:
    """ORM path to the participant ID: `participant_lookup`, a relation named "participant" (either side),
    or one hop through a parent record that has one (a consent -> its screening -> the participant)."""
    if model._meta.label == PARTICIPANT_LABEL:
        return "participant_id"
    lookup = getattr(model, "participant_lookup", None)
    if lookup:
        return f"{lookup}__participant_id"
    try:
        field = model._meta.get_field("participant")
    except FieldDoesNotExist:
        field = None
    if field is not None and field.is_relation and (field.many_to_one or field.one_to_one):
        return "participant__participant_id"
    if _depth == 0:
        parents = [
            f
            for f in model._meta.concrete_fields
            if (f.many_to_one or f.one_to_one) and issubclass(f.related_model, ClinicalRecord)
        ]
        for parent in parents:
            if (path := participant_path(parent.related_model, _depth + 1)) is not None:
                return f"{parent.name}__{path}"
    return None


def participant_object_path(model: type[models.Model]) -> str | None:
    """ORM path from `model` to its participant object ("" for the participant itself)."""
    if model._meta.label == PARTICIPANT_LABEL:
        return ""
    found = participant_path(model)
    return found.removesuffix("__participant_id") if found else None


def timepoint_path(model: type[models.Model]) -> str | None:
    if getattr(model, "timepoint_lookup", None):
        return model.timepoint_lookup
    try:
        field = model._meta.get_field("timepoint")
    except FieldDoesNotExist:
        return None
    return "timepoint" if field.concrete and not field.is_relation else None

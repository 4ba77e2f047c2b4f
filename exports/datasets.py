"""The form files of a snapshot, derived from the models: one CSV per concrete ClinicalRecord model.

Nothing here names a clinical model: a model that subclasses `integrity.models.ClinicalRecord`
appears in the next snapshot with its keys (record id, participant ID, site, cycle, timepoint where
they apply), its fields and their dictionary entries. A model may refine what is derived with class
attributes: `export_name` (file stem), `participant_lookup` / `site_lookup` / `cycle_lookup` /
`timepoint_lookup` (ORM paths) and `field_units` ({field name: unit}).

Rows are live records only (soft-deleted rows are left out), ordered by primary key, read by one
PostgreSQL COPY per file (see `copy_sql`), which streams and formats them inside the database.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext_noop

from integrity.cells import (
    BOOLEAN,
    CODE,
    DATE,
    DATETIME,
    DECIMAL,
    DURATION,
    FLOAT,
    FORMULA_TRIGGERS,
    INTEGER,
    JSON,
    NUMERIC_KINDS,
    TEXT,
    TEXT_KINDS,
    TIME,
    Column,
)
from integrity.model_meta import clinical_models, field_kind, participant_path, timepoint_path
from integrity.models import ClinicalRecord

CYCLE_MODEL = "cycles.Cycle"
# Bookkeeping of the write path that says nothing to an analyst (the audit trail has who and why);
# `is_deleted` and friends are constant in a file of live rows.
HIDDEN_FIELDS = {"is_deleted", "deleted_at", "deleted_reason", "created_by", "updated_by"}
# Shown after the model's own fields.
TRAILING_FIELDS = ("row_version", "created_at", "updated_at")

_POSITIVE_TYPES = {"PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField"}
# Units named by a field's suffix (height_cm, weight_kg, blasts_pct ...) when no label says it.
_SUFFIX_UNITS = {
    "cm": "cm",
    "kg": "kg",
    "m2": "m²",
    "mg": "mg",
    "mcg": "mcg",
    "ml": "mL",
    "pct": "%",
    "percent": "%",
    "years": "years",
    "months": "months",
    "days": "days",
    "hours": "hours",
    "h": "hours",
    "min": "minutes",
    "c": "°C",
    "mmhg": "mmHg",
}
_UNIT_IN_TEXT = re.compile(r"\(([^()]{1,24})\)\s*\.?\s*$")


def file_name_for(model: type[models.Model]) -> str:
    stem = getattr(model, "export_name", None) or slugify(str(model._meta.verbose_name_plural)).replace("-", "_")
    return f"{stem}.csv"


def _label(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def field_unit(model: type[models.Model], field: models.Field) -> str:
    """The unit of a numeric field: `field_units` hint, '(unit)' ending its label or help, or its name suffix."""
    hints = getattr(model, "field_units", {}) or {}
    if field.name in hints:
        return hints[field.name]
    if getattr(field, "unit", None):
        return str(field.unit)
    if field_kind(field) not in NUMERIC_KINDS or field.is_relation or field.primary_key:
        return ""
    help_text = str(field.help_text or "").strip()
    for text in (str(field.verbose_name), help_text):
        match = _UNIT_IN_TEXT.search(text)
        if match:
            return match.group(1).strip()
    if help_text and len(help_text) <= 16 and " " not in help_text.strip(". "):
        return help_text.rstrip(".")  # help text that is just the unit, e.g. "x10^9/L"
    suffix = field.name.rsplit("_", 1)[-1].lower() if "_" in field.name else ""
    return _SUFFIX_UNITS.get(suffix, "")


def _limit(validator) -> object:
    value = validator.limit_value
    return value() if callable(value) else value


def field_range(field: models.Field) -> tuple[str, str]:
    """(minimum, maximum) from the field's own validators; positive integers have minimum 0."""
    lows, highs = [], []
    for validator in getattr(field, "_validators", []):
        if isinstance(validator, MinValueValidator):
            lows.append(_limit(validator))
        elif isinstance(validator, MaxValueValidator):
            highs.append(_limit(validator))
    if field.get_internal_type() in _POSITIVE_TYPES and not lows:
        lows.append(0)
    return (str(max(lows)) if lows else "", str(min(highs)) if highs else "")


def allowed_values(field: models.Field) -> str:
    if not field.choices:
        return ""
    return "; ".join(f"{code}={label}" for code, label in field.flatchoices if code not in ("", None))


def site_path(model: type[models.Model]) -> str | None:
    lookup = getattr(model, "site_lookup", None)
    return f"{lookup}__code" if lookup else None


def cycle_path(model: type[models.Model]) -> str | None:
    """ORM path to the cycle number: `cycle_lookup`, a `cycle` field (its `number` if a relation)."""
    if getattr(model, "cycle_lookup", None):
        return model.cycle_lookup
    if model._meta.label == CYCLE_MODEL and _has_field(model, "number"):
        return "number"
    try:
        field = model._meta.get_field("cycle")
    except FieldDoesNotExist:
        return None
    if not field.is_relation:
        return "cycle"
    if field.many_to_one or field.one_to_one:
        return "cycle__number" if _has_field(field.related_model, "number") else "cycle_id"
    return None


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _related_column(field: models.Field) -> Column:
    """A foreign key to another record: its record id, a site's code or a user's username."""
    target = field.related_model
    label = _label(field.verbose_name)
    if issubclass(target, ClinicalRecord):
        return Column(
            f"{field.name}_record_id",
            INTEGER,
            label,
            note=f"record_id in {file_name_for(target)}",
            lookup=field.attname,
        )
    if _has_field(target, "code"):
        return Column(f"{field.name}_code", TEXT, label, lookup=f"{field.name}__code")
    if target is get_user_model():
        return Column(f"{field.name}_username", TEXT, label, lookup=f"{field.name}__username")
    return Column(f"{field.name}_id", field_kind(field), label, lookup=field.attname)


@dataclass(frozen=True)
class FormFile:
    """One form CSV: which model, which columns, how to pick its rows."""

    model: type[models.Model]

    @cached_property
    def file_name(self) -> str:
        return file_name_for(self.model)

    @cached_property
    def key_columns(self) -> tuple[Column, ...]:
        keys = [Column("record_id", INTEGER, gettext_noop("Record id (stable, never reused)"), lookup="pk")]
        if (path := participant_path(self.model)) is not None:
            keys.append(Column("participant_id", TEXT, gettext_noop("Participant ID"), lookup=path))
        if (path := site_path(self.model)) is not None:
            keys.append(Column("site", TEXT, gettext_noop("Site code"), lookup=path))
        if (path := cycle_path(self.model)) is not None:
            keys.append(Column("cycle", INTEGER, gettext_noop("Cycle number"), lookup=path))
        if (path := timepoint_path(self.model)) is not None:
            keys.append(
                Column("timepoint", CODE, gettext_noop("Timepoint"), lookup=path, **self._timepoint_codes(path))
            )
        return tuple(keys)

    def _timepoint_codes(self, path: str) -> dict:
        try:
            field = self.model._meta.get_field(path)
        except FieldDoesNotExist:
            return {}
        return {"allowed_values": allowed_values(field)}

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        # A direct relation that a key column already shows (participant, site, cycle) is not repeated.
        keyed = {c.lookup for c in self.key_columns}
        shown_by_keys = {path.split("__")[0] for path in keyed if path.count("__") <= 1}
        own, trailing = [], []
        for field in self.model._meta.concrete_fields:
            if field.primary_key or field.name in HIDDEN_FIELDS or field.name in shown_by_keys:
                continue
            column = self._column(field)
            (trailing if field.name in TRAILING_FIELDS else own).append(column)
        trailing.sort(key=lambda c: TRAILING_FIELDS.index(c.lookup))
        return (*self.key_columns, *own, *trailing)

    def _column(self, field: models.Field) -> Column:
        if field.is_relation:
            return _related_column(field)
        low, high = field_range(field)
        return Column(
            field.name,
            field_kind(field),
            _label(field.verbose_name),
            unit=field_unit(self.model, field),
            allowed_values=allowed_values(field),
            minimum=low,
            maximum=high,
            note=str(field.help_text or ""),
            lookup=field.name,
        )

    def rows(self, site_ids: list[int] | None) -> models.QuerySet:
        """The live rows of the sites (None: every site)."""
        qs = self.model._base_manager.all()
        if _has_field(self.model, "is_deleted"):
            qs = qs.filter(is_deleted=False)
        if site_ids is not None:
            lookup = getattr(self.model, "site_lookup", None)
            if not lookup:
                raise ImproperlyConfigured(f"{self.model._meta.label} declares no site_lookup: cannot filter by site.")
            qs = qs.filter(**{f"{lookup}__in": list(site_ids)})
        return qs

    def copy_sql(self, site_ids: list[int] | None) -> tuple[str, tuple]:
        """SELECT of the file's formatted cells in record order, for COPY ... TO STDOUT."""
        aliases = {f"exp_c{i}": F(col.lookup) for i, col in enumerate(self.columns)}
        inner = self.rows(site_ids).order_by().annotate(**aliases).values_list(*aliases)
        sql, params = inner.query.sql_with_params()
        qn = connection.ops.quote_name
        cells = ", ".join(
            sql_cell(col.kind, f"q.{qn(alias)}") for alias, col in zip(aliases, self.columns, strict=True)
        )
        # Only identifiers we generate and Django's own compiled SQL go into the text; values are params.
        return f"SELECT {cells} FROM ({sql}) AS q ORDER BY q.{qn('exp_c0')}", tuple(params)  # noqa: S608  # nosec B608


_SQL_TRIGGER_CODES = ", ".join(str(ord(c)) for c in FORMULA_TRIGGERS)


def sql_cell(kind: str, ref: str) -> str:
    """SQL of one formatted cell; the same rules as exports.cells.format_cell (NULL = empty cell).

    Needs DateStyle ISO (set by exports.services.consistent_read): dates and times are then written
    by PostgreSQL's own output functions, the cheapest way to ISO 8601. ascii() is the code of the
    first character (0 for ''), much cheaper than left() on every text cell.
    """
    if kind in TEXT_KINDS:
        return f"CASE WHEN ascii({ref}) IN ({_SQL_TRIGGER_CODES}) THEN chr(39) || {ref} ELSE NULLIF({ref}, '') END"
    if kind == BOOLEAN:
        return f"CASE WHEN {ref} THEN 'true' WHEN NOT {ref} THEN 'false' END"
    if kind == DATETIME:
        return f"replace(({ref} AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z'"
    if kind == DURATION:
        return f"extract(epoch FROM {ref})::float8"
    if kind in (DATE, TIME, JSON):
        return f"{ref}::text"
    if kind in (INTEGER, DECIMAL, FLOAT):
        return ref
    return f"{ref}::text"


def form_files() -> list[FormFile]:
    files = [FormFile(model) for model in clinical_models()]
    names = [f.file_name for f in files]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ImproperlyConfigured(
            f"Two clinical models export to the same file: {sorted(duplicates)}; give one an export_name."
        )
    return files

"""The audit trail of the exported records, read from django-pghistory's event tables.

One row per changed field: at insert every field that has a value (old value empty), at each update
every field whose value changed. Who and why come from the event's context (the write path records
the user and the reason for change); events written outside it (raw SQL, migrations) have no user.
Events are streamed per model in (record, event) order, so only the previous version of one record
is held in memory.
"""

from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import CharField, F, TextField, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext_noop
from pghistory.core import event_models

from exports.datasets import HIDDEN_FIELDS, TRAILING_FIELDS, FormFile, field_kind
from integrity.audit import diff_events
from integrity.cells import DATETIME, FORMATTED, INTEGER, JSON, TEXT, Column, format_cell

AUDIT_COLUMNS = (
    Column("record_type", TEXT, gettext_noop("Form file the record is in (without .csv)")),
    Column("record_id", INTEGER, gettext_noop("record_id of the record in that file")),
    Column("participant_id", TEXT, gettext_noop("Participant ID")),
    Column("site", TEXT, gettext_noop("Site code")),
    Column("field", TEXT, gettext_noop("Field (column name in the form file)")),
    Column("old_value", FORMATTED, gettext_noop("Value before the change (empty at insert)")),
    Column("new_value", FORMATTED, gettext_noop("Value after the change")),
    Column("user", TEXT, gettext_noop("Username of the person who made the change (empty: no user context)")),
    Column("changed_at", DATETIME, gettext_noop("When the change was saved (UTC)")),
    Column("action", TEXT, gettext_noop("insert, update or delete"), allowed_values="insert; update; delete"),
    Column("reason", TEXT, gettext_noop("Reason for change as entered")),
    Column(
        "api_token",
        TEXT,
        gettext_noop("Name of the API token the change was made with (empty: made in the app's pages)"),
    ),
)
# The bookkeeping that every save changes: not a change of data.
_SKIPPED = HIDDEN_FIELDS | set(TRAILING_FIELDS)
CHUNK_ROWS = 2000


def _event_model(model: type[models.Model]) -> type[models.Model] | None:
    found = event_models(tracks_model=model)
    return found[0] if found else None


def _audited_fields(form: FormFile, event_model: type[models.Model], usernames: dict[int, str]) -> list[tuple]:
    """(column name, event attribute, kind, {stored id: shown value} or None) of each audited field.

    A relation is shown as in the form file: a site by its code, a participant by its ID, a cycle by its
    number, a user by username, another record by its record id.
    """
    by_lookup = {c.lookup: c for c in form.columns}
    tracked = {f.attname for f in event_model._meta.concrete_fields}
    fields = []
    for field in form.model._meta.concrete_fields:
        if field.primary_key or field.name in _SKIPPED or field.attname not in tracked:
            continue
        if not field.is_relation:
            column = by_lookup.get(field.name)
            fields.append((column.name if column else field.name, field.attname, field_kind(field), None))
            continue
        shown = next(
            (c for lookup, c in by_lookup.items() if lookup.startswith(f"{field.name}__") and lookup.count("__") == 1),
            None,
        )
        if shown is not None:
            attr = shown.lookup.split("__")[1]
            mapping = dict(field.related_model._base_manager.values_list("pk", attr))
            fields.append((shown.name, field.attname, shown.kind, mapping))
        elif field.related_model is get_user_model():
            fields.append((f"{field.name}_username", field.attname, TEXT, usernames))
        else:
            column = by_lookup.get(field.attname)
            fields.append((column.name if column else field.attname, field.attname, INTEGER, None))
    return fields


def audit_rows(forms: list[FormFile], site_ids: list[int] | None, usernames: dict[int, str]) -> Iterator[tuple]:
    """Audit rows of every live record in `forms` at the sites, in file, record and event order."""
    for form in forms:
        event_model = _event_model(form.model)
        if event_model is None:
            continue
        yield from _form_audit_rows(form, event_model, site_ids, usernames)


def _form_audit_rows(
    form: FormFile, event_model: type[models.Model], site_ids: list[int] | None, usernames: dict[int, str]
) -> Iterator[tuple]:
    fields = _audited_fields(form, event_model, usernames)
    keys = {c.name: c.lookup for c in form.key_columns}
    no_value = Value(None, output_field=CharField())
    key_values = [F(f"pgh_obj__{keys[k]}") if k in keys else no_value for k in ("participant_id", "site")]
    events = (
        event_model.objects.filter(pgh_obj_id__in=form.rows(site_ids).values("pk"))
        .order_by("pgh_obj_id", "pgh_id")
        .values_list(
            "pgh_obj_id",
            "pgh_label",
            "pgh_created_at",
            "pgh_context__metadata",
            *key_values,
            # JSON as PostgreSQL writes it, so a value reads exactly as in the form file.
            *[Cast(attname, TextField()) if kind == JSON else attname for _, attname, kind, _ in fields],
        )
        .iterator(chunk_size=CHUNK_ROWS)
    )
    stem = form.file_name.removesuffix(".csv")
    for obj_id, label, at, metadata, keys, i, old, new, first in diff_events(events, n_keys=2):
        name, _attname, kind, mapping = fields[i]
        yield (
            stem,
            obj_id,
            *keys,
            name,
            None if first else _cell(kind, mapping, old),
            _cell(kind, mapping, new),
            usernames.get(metadata.get("user")),
            at,
            label,
            metadata.get("reason"),
            metadata.get("api_token"),
        )


def _cell(kind: str, mapping: dict | None, value: object) -> str:
    if mapping is not None and value is not None:
        value = mapping.get(value, value)
    return format_cell(kind, value)


def all_usernames() -> dict[int, str]:
    """pk -> username of every account (a small table: the trial's staff)."""
    return dict(get_user_model()._base_manager.values_list("pk", "username"))

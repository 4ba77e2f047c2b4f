"""Reading the trigger-written audit trail: who changed which field of which record, when, from what to what, why.

django-pghistory stores a full snapshot of the record per event; a *change* is a field whose value
differs from the record's previous event (at insert: every field that has a value). `diff_events` is
that one rule, shared by the audit views here and the CSV snapshot's audit_trail.csv (exports.audit_trail).
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from pghistory.core import event_models

from blinatrial.access import visible_site_ids
from integrity import labels
from integrity.cells import TEXT_KINDS, format_cell
from integrity.model_meta import clinical_models, field_kind, participant_object_path
from integrity.models import Lock, Signature, SourceVerification
from integrity.words import field_words as value_words
from integrity.words import words

# Bookkeeping that every save changes: not a change of data (soft delete shows as is_deleted / deleted_reason).
BOOKKEEPING = {"created_at", "updated_at", "row_version", "created_by", "updated_by", "deleted_at"}


# The integrity app's own audited models keep Django's default verbose names (naming them would be a migration):
# their names and their fields' names as the audit pages show them, in the reader's language.
OWN_MODEL_NAMES = {
    "integrity.Lock": _("Lock"),
    "integrity.Signature": _("Signature"),
    "integrity.SourceVerification": _("Source data verification"),
}
OWN_FIELD_NAMES = {
    "scope": _("Scope"),
    "participant": _("Participant"),
    "timepoint": _("Timepoint"),
    "locked_by": _("Locked by"),
    "locked_at": _("Locked at"),
    "reason": _("Reason"),
    "unlocked_by": _("Unlocked by"),
    "unlocked_at": _("Unlocked at"),
    "unlock_reason": _("Unlock reason"),
    "signer": _("Signer"),
    "printed_name": _("Printed name"),
    "meaning": _("Meaning"),
    "signed_at": _("Signed at"),
    "content_hash": _("Content hash"),
    "invalidated_at": _("Invalidated at"),
    "content_type": _("Form"),
    "object_id": _("Record"),
    "field_name": _("Field"),
    "site": _("Site"),
    "verified_by": _("Verified by"),
    "verified_at": _("Verified at"),
    "row_version": _("Record version"),
    "value": _("Value"),
    "cleared_at": _("Cleared at"),
    "cleared_reason": _("Reason cleared"),
}


YES, NO = _("yes"), _("no")


def model_words(model: type[models.Model]) -> str:
    """A model's name as pages show it (capitalised verbose name; the integrity app's own in words)."""
    if model._meta.label in OWN_MODEL_NAMES:
        return str(OWN_MODEL_NAMES[model._meta.label])
    return labels.model_label(model)


def field_words(model: type[models.Model], field: models.Field) -> str:
    """A field's name as pages show it (capitalised verbose name; the integrity app's own in words)."""
    if model._meta.app_label == "integrity" and field.name in OWN_FIELD_NAMES:
        return str(OWN_FIELD_NAMES[field.name])
    return labels.field_label(model, field.name)


def diff_events(events: Iterable[tuple], n_keys: int = 0) -> Iterator[tuple]:
    """Field changes of event rows ordered by (record, event).

    Each event row is (obj_id, label, at, metadata, *keys, *values) with `n_keys` key columns; yields
    (obj_id, label, at, metadata or {}, keys, field index, old value, new value, is_first_event).
    Only the previous version of one record is held in memory.
    """
    previous_obj, previous = None, None
    for obj_id, label, at, metadata, *rest in events:
        keys, data = rest[:n_keys], rest[n_keys:]
        if obj_id != previous_obj:
            previous_obj, previous = obj_id, None
        metadata = metadata or {}
        for i, new in enumerate(data):
            if previous is None:
                if new is None or new == "":
                    continue
                yield obj_id, label, at, metadata, keys, i, None, new, True
            elif previous[i] != new:
                yield obj_id, label, at, metadata, keys, i, previous[i], new, False
        previous = data


def event_model_for(model: type[models.Model]) -> type[models.Model] | None:
    found = event_models(tracks_model=model)
    return found[0] if found else None


def audited_models() -> list[type[models.Model]]:
    """Models shown in the audit views: the clinical records plus locks and signatures."""
    return [*clinical_models(), Lock, Signature, SourceVerification]


def study_level_models() -> list[type[models.Model]]:
    """Study-wide settings audited by pghistory (they declare `audit_study_level = True`): no site, so the audit
    list shows their changes to those who see every site."""
    return [m for m in apps.get_models() if getattr(m, "audit_study_level", False)]


def model_key(model: type[models.Model]) -> str:
    return model._meta.label_lower


def model_by_key(key: str) -> type[models.Model] | None:
    return next((m for m in audited_models() if model_key(m) == key), None)


@dataclass(frozen=True)
class Change:
    model_key: str
    model_name: str
    record_id: int
    participant_id: str | None
    field: str
    field_label: str
    old: str
    new: str
    user_id: int | None
    username: str
    at: datetime.datetime
    action: str
    reason: str
    event_id: int = 0
    api_token: str = ""  # the name of the API token the change was made with (empty: a page of the app)
    old_shown: str = ""  # old and new in words, for the pages (old and new stay as stored, for the CSV)
    new_shown: str = ""


def audited_fields(model: type[models.Model], event_model: type[models.Model]) -> list[models.Field]:
    tracked = {f.attname for f in event_model._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in BOOKKEEPING and f.attname in tracked
    ]


def display_value(field: models.Field, value: object) -> str:
    if value is None or value == "":
        return ""
    if field.is_relation:
        return str(value)
    kind = field_kind(field)
    return str(value) if kind in TEXT_KINDS else format_cell(kind, value)


def _shown(field: models.Field, value: object) -> str:
    """The value as the page shows it: a choice's label, a mapping and a code in words (the CSV keeps codes)."""
    if value is None or value == "" or field.is_relation:
        return display_value(field, value)
    if isinstance(value, bool):
        return str(YES if value else NO)
    if field.choices:
        return str(dict(field.flatchoices).get(value, words(value)))
    key = f"{field.model._meta.label}.{field.name}"
    if isinstance(value, dict):
        return str(value_words(key, value))
    return str(value_words(key, display_value(field, value)))


def site_path(model: type[models.Model]) -> str | None:
    """ORM path from `model` to its enrollment.Site (None: the model has no site)."""
    return _site_path(model)


def _site_path(model: type[models.Model]) -> str | None:
    if getattr(model, "site_lookup", None):
        return model.site_lookup
    path = participant_object_path(model)
    if path is None:
        return None
    return f"{path}__site" if path else "site"


def changes(
    *,
    user,
    participant=None,
    record: models.Model | None = None,
    model_keys: Iterable[str] | None = None,
    field: str = "",
    actor_id: int | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> list[Change]:
    """Field changes visible to `user` (their sites), newest first, filtered as asked.

    One query per audited model (or one for a single record); filters on field, actor and dates are
    applied after diffing, so the first change shown still has its true old value.
    """
    site_ids = visible_site_ids(user)
    selected = [type(record)] if record is not None else [*audited_models(), *study_level_models()]
    if model_keys:
        wanted = set(model_keys)
        selected = [m for m in selected if model_key(m) in wanted]
    names = dict(get_user_model()._base_manager.values_list("pk", "username"))
    out: list[Change] = []
    for model in selected:
        event_model = event_model_for(model)
        if event_model is None:
            continue
        ppath = participant_object_path(model)
        events = event_model.objects.all()
        if site_ids is not None:
            spath = site_path(model)
            if spath is None:
                if model._meta.label != "integrity.Lock":
                    continue
                events = events.filter(pgh_obj__participant__site__in=site_ids) | events.filter(
                    pgh_obj__participant__isnull=True
                )
            else:
                events = events.filter(**{f"pgh_obj__{spath}__in": site_ids})
        if record is not None:
            events = events.filter(pgh_obj_id=record.pk)
        if participant is not None:
            if ppath is None:
                continue
            events = (
                events.filter(pgh_obj_id=participant.pk)
                if ppath == ""
                else events.filter(**{f"pgh_obj__{ppath}": participant})
            )
        pid_lookup = (
            None
            if ppath is None
            else ("pgh_obj__participant_id" if ppath == "" else f"pgh_obj__{ppath}__participant_id")
        )
        fields = audited_fields(model, event_model)
        rows = events.order_by("pgh_obj_id", "pgh_id").values_list(
            "pgh_obj_id",
            "pgh_label",
            "pgh_created_at",
            "pgh_context__metadata",
            "pgh_id",
            *([pid_lookup] if pid_lookup else []),
            *[f.attname for f in fields],
        )
        n_keys = 2 if pid_lookup else 1
        for obj_id, label, at, metadata, keys, i, old, new, _first in diff_events(rows.iterator(), n_keys):
            f = fields[i]
            uid = metadata.get("user")
            out.append(
                Change(
                    model_key=model_key(model),
                    model_name=model_words(model),
                    record_id=obj_id,
                    participant_id=keys[1] if pid_lookup else None,
                    field=f.name,
                    field_label=field_words(model, f),
                    old=display_value(f, old),
                    new=display_value(f, new),
                    user_id=uid,
                    username=names.get(uid, "") if uid is not None else "",
                    at=at,
                    action=label,
                    reason=metadata.get("reason") or "",
                    event_id=keys[0],
                    api_token=metadata.get("api_token") or "",
                    old_shown=_shown(f, old),
                    new_shown=_shown(f, new),
                )
            )
    if field:
        out = [c for c in out if c.field == field]
    if actor_id is not None:
        out = [c for c in out if c.user_id == actor_id]
    if since is not None:
        out = [c for c in out if c.at.date() >= since]
    if until is not None:
        out = [c for c in out if c.at.date() <= until]
    out.sort(key=lambda c: (c.at, c.event_id), reverse=True)
    return out

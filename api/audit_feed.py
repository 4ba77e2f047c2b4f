"""The audit trail as a feed of events: one item per row of the pghistory event tables the user may see.

Every audited model has its own event table (and its own event ids), so the feed's order is
(pgh_created_at, model, event id) and its cursor is that triple: a page after the cursor is the first
`size` events of the merge of one ordered query per table. Events are only ever appended, so a client
walking the cursor while others write sees every event exactly once (the new ones at the end). The field
changes of each event are diffed against the record's previous event, as the audit pages do.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q

from blinatrial.access import visible_site_ids
from integrity.audit import (
    audited_fields,
    audited_models,
    diff_events,
    display_value,
    event_model_for,
    model_key,
    site_path,
)
from integrity.model_meta import participant_object_path


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Position:
    at: datetime.datetime
    key: str
    event_id: int

    def encode(self) -> str:
        raw = json.dumps({"at": self.at.isoformat(), "k": self.key, "id": self.event_id})
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Position":
        try:
            raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            at = datetime.datetime.fromisoformat(raw["at"])
            if at.tzinfo is None:
                raise ValueError("naive time")
            return cls(at=at, key=str(raw["k"]), event_id=int(raw["id"]))
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError) as exc:
            raise BadCursor("Invalid cursor: use the 'next' link of the previous page.") from exc


def _after(position: Position | None, key: str) -> Q:
    """Events of the table `key` that come after `position` in (at, key, event id) order."""
    if position is None:
        return Q()
    if key > position.key:
        return Q(pgh_created_at__gte=position.at)
    if key < position.key:
        return Q(pgh_created_at__gt=position.at)
    return Q(pgh_created_at__gt=position.at) | Q(pgh_created_at=position.at, pgh_id__gt=position.event_id)


def _scoped(model, events, site_ids: list[int] | None, site_code: str, participant_id: str):
    spath = site_path(model)
    ppath = participant_object_path(model)
    if site_ids is not None or site_code:
        if spath is None:
            if model._meta.label != "integrity.Lock":
                return None
            if site_ids is not None:  # a study lock (no participant) concerns every site
                events = events.filter(
                    Q(pgh_obj__participant__site__in=site_ids) | Q(pgh_obj__participant__isnull=True)
                )
            if site_code:
                events = events.filter(pgh_obj__participant__site__code=site_code)
        else:
            if site_ids is not None:
                events = events.filter(**{f"pgh_obj__{spath}__in": site_ids})
            if site_code:
                events = events.filter(**{f"pgh_obj__{spath}__code": site_code})
    if participant_id:
        if ppath is None:
            return None
        lookup = "pgh_obj__participant_id" if ppath == "" else f"pgh_obj__{ppath}__participant_id"
        events = events.filter(**{lookup: participant_id})
    return events


def _pid_lookup(model) -> str | None:
    ppath = participant_object_path(model)
    if ppath is None:
        return None
    return "pgh_obj__participant_id" if ppath == "" else f"pgh_obj__{ppath}__participant_id"


def feed_page(
    *,
    user,
    after: Position | None,
    size: int,
    site_code: str = "",
    participant_id: str = "",
    form_key: str = "",
    since: datetime.datetime | None = None,
) -> tuple[list[dict], Position | None]:
    """Up to `size` events after `after`, oldest first, and the position to continue from (None: the end)."""
    site_ids = visible_site_ids(user)
    heads = []
    for model in audited_models():
        key = model_key(model)
        if form_key and key != form_key:
            continue
        event_model = event_model_for(model)
        if event_model is None:
            continue
        events = _scoped(model, event_model.objects.all(), site_ids, site_code, participant_id)
        if events is None:
            continue
        if since is not None:
            events = events.filter(pgh_created_at__gte=since)
        pid = _pid_lookup(model)
        rows = (
            events.filter(_after(after, key))
            .order_by("pgh_created_at", "pgh_id")
            .values_list("pgh_created_at", "pgh_id", "pgh_obj_id", "pgh_label", "pgh_context__metadata",
                         *([pid] if pid else []))[: size + 1]
        )
        heads += [(at, key, eid, obj, label, meta or {}, rest[0] if rest else None, model)
                  for at, eid, obj, label, meta, *rest in rows]
    heads.sort(key=lambda h: (h[0], h[1], h[2]))
    page, more = heads[:size], len(heads) > size
    changes = _changes_of(page)
    names = dict(get_user_model()._base_manager.filter(
        pk__in={h[5].get("user") for h in page if h[5].get("user") is not None}
    ).values_list("pk", "username"))
    items = [
        {
            "event_id": f"{key}:{eid}",
            "at": at,
            "model": key,
            "model_name": str(model._meta.verbose_name).capitalize(),
            "record_id": obj,
            "participant_id": pid,
            "action": label,
            "user": names.get(meta.get("user"), "") if meta.get("user") is not None else "",
            "api_token": meta.get("api_token") or "",
            "reason": meta.get("reason") or "",
            "changes": changes.get((key, eid), []),
        }
        for at, key, eid, obj, label, meta, pid, model in page
    ]
    last = page[-1] if page and more else None
    return items, (Position(at=last[0], key=last[1], event_id=last[2]) if last else None)


def _changes_of(page: list[tuple]) -> dict[tuple[str, int], list[dict]]:
    """(model key, event id) -> its field changes, diffed against each record's previous event (one query per
    model on the page)."""
    wanted: dict[str, tuple] = {}
    for _at, key, eid, obj, _label, _meta, _pid, model in page:
        ids, objs, _ = wanted.get(key, (set(), set(), model))
        wanted[key] = (ids | {eid}, objs | {obj}, model)
    out: dict[tuple[str, int], list[dict]] = {}
    for key, (ids, objs, model) in wanted.items():
        event_model = event_model_for(model)
        fields = audited_fields(model, event_model)
        rows = (
            event_model.objects.filter(pgh_obj_id__in=objs, pgh_id__lte=max(ids))
            .order_by("pgh_obj_id", "pgh_id")
            .values_list("pgh_obj_id", "pgh_label", "pgh_created_at", "pgh_context__metadata", "pgh_id",
                         *[f.attname for f in fields])
        )
        for _obj, _label, _at, _meta, keys, i, old, new, _first in diff_events(rows.iterator(), 1):
            if keys[0] in ids:
                f = fields[i]
                out.setdefault((key, keys[0]), []).append(
                    {"field": f.name, "field_label": str(f.verbose_name).capitalize(),
                     "old": display_value(f, old), "new": display_value(f, new)}
                )
    return out

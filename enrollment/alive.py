"""The dates that prove a participant alive (DOMAIN 5.5 LSTALVDT, Project decision 11): one definition.

Every clinical model holding such a date declares it next to its fields, as it declares its participant
(`participant_lookup`):

    alive_dates = {"given_on": Q(status__in=("given", "reduced"))}  # field -> rows that count (None: every row)
    alive_label = "doses"                                            # how the conventions text names them

This module reads the declarations of every installed clinical model (integrity.model_meta), so a new form
(the safety app's adverse events, say) adds its dates by declaring them, and every user of the last date
known alive (the endpoint loader, the derived assessments, the death-date check of the follow-up form) asks
here. Removed records, and records under a removed parent (a dose of a removed cycle), never count.
"""

from collections.abc import Iterable
from datetime import date

from django.db import models
from django.db.models import F, Max, Q, QuerySet
from django.db.models.functions import TruncDate

from integrity.model_meta import clinical_models, participant_object_path


def sources() -> list[tuple[type[models.Model], str, Q | None]]:
    """(model, date field, condition) of every declared date that proves the participant alive."""
    out = []
    for model in clinical_models():
        for name, condition in getattr(model, "alive_dates", {}).items():
            out.append((model, name, condition))
    return out


def source_labels() -> tuple[str, ...]:
    """The names of the records that prove a participant alive, for the conventions text (in model order)."""
    labels: list[str] = []
    for model, _, _ in sources():
        label = getattr(model, "alive_label", str(model._meta.verbose_name_plural))
        if label not in labels:
            labels.append(label)
    return tuple(labels)


def _live_filters(model: type[models.Model], path: str) -> dict[str, bool]:
    """is_deleted=False for the record and each parent on the way to the participant (a removed cycle's
    doses do not count)."""
    filters, owner, prefix = {}, model, ""
    for part in ["", *path.split("__")[:-1]]:
        if part:
            owner = owner._meta.get_field(part).related_model
            prefix = f"{prefix}__{part}" if prefix else part
        if any(f.name == "is_deleted" for f in owner._meta.concrete_fields):
            filters[f"{prefix}__is_deleted" if prefix else "is_deleted"] = False
    return filters


def _latest(model: type[models.Model], name: str, condition: Q | None, ids, exclude_pk: int | None) -> QuerySet:
    """(participant pk, latest date) of one declared field."""
    path = participant_object_path(model) or ""
    pk_path = f"{path}_id" if path else "pk"
    rows = model._base_manager.filter(**{f"{pk_path}__in": ids, f"{name}__isnull": False}, **_live_filters(model, path))
    if condition is not None:
        rows = rows.filter(condition)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    field = model._meta.get_field(name)
    value = TruncDate(name) if isinstance(field, models.DateTimeField) else F(name)
    return rows.order_by().values(pid=F(pk_path)).annotate(on=Max(value)).values_list("pid", "on")


def latest_alive_dates(
    participant_ids: Iterable[int] | QuerySet, *, exclude: dict[str, int] | None = None
) -> dict[int, date]:
    """Participant pk -> the latest date any declared record proves them alive (one statement, whatever the
    number of participants). `participant_ids` may be a queryset of pks (selected in SQL). `exclude`: model
    label -> the pk of one record to leave out (the record being edited)."""
    ids = participant_ids if isinstance(participant_ids, QuerySet) else list(participant_ids)
    exclude = exclude or {}
    parts = [_latest(m, name, cond, ids, exclude.get(m._meta.label)) for m, name, cond in sources()]
    if not parts:
        return {}
    out: dict[int, date] = {}
    for pid, on in parts[0].union(*parts[1:], all=True):
        if on is not None and (pid not in out or on > out[pid]):
            out[pid] = on
    return out

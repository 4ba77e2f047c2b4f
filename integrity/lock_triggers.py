"""Locks and the audit trail enforced in PostgreSQL, so that no write path escapes them.

`LockTrigger` (added to every clinical table by `integrity.models.clinical_record`) refuses, before it happens,
an INSERT, UPDATE or DELETE of a row whose participant is locked, whose participant and timepoint are locked, or
of any clinical row while the study is frozen: ORM saves, `QuerySet.update()`, admin edits and raw SQL alike.
It raises SQLSTATE `LOCKED_SQLSTATE` with the same words `integrity.locking` shows in forms; `locked_message`
recognises it, so `integrity.services.save_record` turns it into a form message. The `Lock` table has no such
trigger: locking and unlocking (with a reason) stay possible, and unlocking is the only way back in.

`NoTruncate` refuses TRUNCATE (which fires no row trigger, so it would empty a table without an audit row) on
clinical tables, audit event tables and the data-version bookkeeping.

A row's participant and timepoint are found in SQL along the same ORM paths `integrity.locking` follows in
Python (`participant_path`, `timepoint_path` below; a test checks that both agree for every clinical model).
"""

import pgtrigger
from django.core.exceptions import FieldDoesNotExist
from django.db import models

PARTICIPANT_LABEL = "enrollment.Participant"
LOCK_TRIGGER_NAME = "refuse_locked_change"
# A class of our own ("ED": electronic data capture), so nothing else PostgreSQL raises can be mistaken for it.
LOCKED_SQLSTATE = "EDC01"
TRUNCATE_SQLSTATE = "EDC02"
UNLOCK_HINT = "A data manager can unlock it, giving a reason; the unlock is kept in the audit trail."


def _carries_lock_trigger(model: type[models.Model]) -> bool:
    return any(t.name == LOCK_TRIGGER_NAME for t in getattr(model._meta, "triggers", []))


def participant_path(model: type[models.Model]) -> str | None:
    """ORM path from `model` to its enrollment.Participant ("" for the participant itself): `participant_lookup`,
    a relation named "participant" (a foreign key, or the reverse one-to-one of a screening), or one hop through a
    parent clinical record that has one (a consent -> its screening -> the participant)."""
    if model._meta.label == PARTICIPANT_LABEL:
        return ""
    if lookup := getattr(model, "participant_lookup", None):
        return lookup
    try:
        field = model._meta.get_field("participant")
    except FieldDoesNotExist:
        field = None
    if field is not None and field.is_relation and (field.many_to_one or field.one_to_one):
        return "participant"
    for parent in model._meta.concrete_fields:
        if (parent.many_to_one or parent.one_to_one) and _carries_lock_trigger(parent.related_model):
            target = parent.related_model
            if target._meta.label == PARTICIPANT_LABEL:
                return parent.name
            if getattr(target, "participant_lookup", None) or _has_participant_relation(target):
                return f"{parent.name}__{participant_path(target)}"
    return None


def _has_participant_relation(model: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field("participant")
    except FieldDoesNotExist:
        return False
    return field.is_relation and (field.many_to_one or field.one_to_one)


def timepoint_path(model: type[models.Model]) -> str | None:
    """ORM path to the record's timepoint (EOC1, ...): `timepoint_lookup`, or a plain `timepoint` field."""
    if lookup := getattr(model, "timepoint_lookup", None):
        return lookup
    try:
        field = model._meta.get_field("timepoint")
    except FieldDoesNotExist:
        return None
    return "timepoint" if field.concrete and not field.is_relation else None


def path_sql(model: type[models.Model], path: str, row: str) -> str:
    """SQL giving the value at ORM `path` ("" = the row's own key) from trigger row `row` (NEW or OLD) of `model`:
    a column of the row, or nested sub-selects along foreign keys and reverse one-to-ones. Built from model
    metadata (table and column names) only, never from input."""

    def own_column(column: str) -> str:
        return f"{row}.{column}"

    column_of = own_column
    current = model
    if path == "":
        return column_of(current._meta.pk.column)
    parts = path.split("__")
    for i, part in enumerate(parts):
        field = current._meta.get_field(part)
        last = i == len(parts) - 1
        if not field.is_relation:
            if not last:
                raise ValueError(f"{model.__name__}: {path!r} goes through the plain field {part!r}")
            return column_of(field.column)
        target = field.related_model
        if field.concrete:  # a foreign key (or one-to-one) on this row: the target row has key = its value
            key, target_column = column_of(field.column), field.target_field.column
        else:  # a reverse one-to-one: the target row points at this row
            key, target_column = column_of(field.field.target_field.column), field.field.column
        if last:
            if field.concrete:
                return key
            return _select(target._meta.pk.column, target, target_column, key)
        column_of = _sub_select(target, target_column, key, known=field.concrete)
        current = target
    raise AssertionError("unreachable")


def _select(column: str, target: type[models.Model], where_column: str, key: str) -> str:
    # trigger body built from model metadata (table and column names), never from input
    return f"(SELECT {column} FROM {target._meta.db_table} WHERE {where_column} = {key})"  # noqa: S608  # nosec B608


def _sub_select(target: type[models.Model], where_column: str, key: str, *, known: bool):
    def column_of(column: str) -> str:
        if known and column == where_column:
            return key  # the foreign key's value already is the target's key
        return _select(column, target, where_column, key)

    return column_of


_MESSAGE_SQL = """
    SELECT CASE l.scope
        WHEN 'study' THEN 'The study database is frozen (since ' || {since}
            || '); nothing can be changed until it is unlocked.'
        WHEN 'participant' THEN 'Participant ' || p.participant_id || ' is locked (since ' || {since}
            || '); unlock it with a reason to edit.'
        ELSE 'Timepoint ' || l.timepoint || ' of participant ' || p.participant_id || ' is locked (since '
            || {since} || '); unlock it with a reason to edit.'
        END
    INTO why
    FROM integrity_lock l LEFT JOIN enrollment_participant p ON p.id = l.participant_id
    WHERE l.unlocked_at IS NULL AND (
        l.scope = 'study'
        OR (l.participant_id = new_p AND (l.scope = 'participant' OR l.timepoint = new_tp))
        OR (l.participant_id = old_p AND (l.scope = 'participant' OR l.timepoint = old_tp)))
    ORDER BY l.locked_at, l.id
    LIMIT 1;
"""
# 29 Nov 2026 14:05 UTC, as blinatrial.dates.shown_utc writes it (FM: no leading zero; Mon: English, not TM).
_SINCE = "to_char(l.locked_at AT TIME ZONE 'UTC', 'FMDD Mon YYYY HH24:MI \"UTC\"')"
_MESSAGE_SQL = " ".join(_MESSAGE_SQL.format(since=_SINCE).split())


# The common case first: no active lock at all costs one look at a small table.
_IF_ANY_ACTIVE_LOCK = "IF EXISTS (SELECT 1 FROM integrity_lock WHERE unlocked_at IS NULL) THEN"
_RAISE = (
    f"IF why IS NOT NULL THEN RAISE EXCEPTION USING ERRCODE = '{LOCKED_SQLSTATE}', MESSAGE = why, "
    f"HINT = '{UNLOCK_HINT}'; END IF;"
)
_RETURN = "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"


class LockTrigger(pgtrigger.Trigger):
    """Row-level, before the change: refuse a write that an active lock covers (see the module docstring).

    Made for one model class: its SQL is built from that class when first compiled, once every model is ready
    (a reverse one-to-one exists only then), and not from the migration state's copy of the model, which lacks
    the class's `participant_lookup` / `timepoint_lookup`."""

    name = LOCK_TRIGGER_NAME
    when = pgtrigger.Before
    operation = pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete
    level = pgtrigger.Row
    declare = [("why", "text"), ("new_p", "bigint"), ("old_p", "bigint"), ("new_tp", "text"), ("old_tp", "text")]

    def __init__(self, record_model: type[models.Model], **kwargs) -> None:
        super().__init__(**kwargs)
        self.record_model = record_model

    def get_func(self, model: type[models.Model]) -> str:
        model = self.record_model
        ppath, tpath = participant_path(model), timepoint_path(model)

        def values(row: str) -> str:
            p = path_sql(model, ppath, row) if ppath is not None else "NULL"
            tp = path_sql(model, tpath, row) if tpath is not None else "NULL"
            prefix = row.lower()
            return f"{prefix}_p := {p}; {prefix}_tp := {tp};"

        rows = f"IF TG_OP <> 'DELETE' THEN {values('NEW')} END IF; IF TG_OP <> 'INSERT' THEN {values('OLD')} END IF;"
        return " ".join((_IF_ANY_ACTIVE_LOCK, rows, _MESSAGE_SQL, _RAISE, "END IF;", _RETURN))


class NoTruncate(pgtrigger.Trigger):
    """Statement-level: refuse TRUNCATE of the table (it would bypass every row trigger and the audit)."""

    name = "no_truncate"
    when = pgtrigger.Before
    operation = pgtrigger.Truncate
    level = pgtrigger.Statement
    func = (
        f"RAISE EXCEPTION USING ERRCODE = '{TRUNCATE_SQLSTATE}', "
        "MESSAGE = format('%s cannot be emptied: its rows are trial data or their audit trail.', TG_TABLE_NAME); "
        "RETURN NULL;"
    )


def protect_event_tables(event_models: list[type[models.Model]]) -> None:
    """Register NoTruncate on each audit event model (pghistory builds them; their migrations are ours)."""
    for event_model in event_models:
        if not any(t.name == NoTruncate.name for t in getattr(event_model._meta, "triggers", [])):
            pgtrigger.register(NoTruncate())(event_model)


def locked_message(exc: BaseException) -> str | None:
    """The lock trigger's message if `exc` (a database error, or one wrapping it) is its refusal, else None."""
    seen = exc
    while seen is not None:
        diag = getattr(seen, "diag", None)  # psycopg's error (Django's wraps it as its __cause__)
        if diag is not None and diag.sqlstate == LOCKED_SQLSTATE:
            return diag.message_primary
        seen = seen.__cause__
    return None

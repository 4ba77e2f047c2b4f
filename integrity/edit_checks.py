"""Automatic edit checks: a registry of small check functions that raise and close data queries.

A check looks at one record of one model and returns the text of the problem, or None when the
record passes; it names the other models, or their fields, its answer depends on (`reads`), and may name
the fields of its own model it reads (`inputs`). After each save the write path
(integrity.services.save_record) runs, for the record's participant, the checks that a changed field can
affect (`run_for_record`): editing a follow-up contact runs no check that derives responses, and a check
may add a cheaper `relevant` test (a blood count dated outside every marrow's window derives nothing). `sweep()`
(a periodic task, integrity.tasks.sweep_edit_checks) runs every check for every participant, which catches
checks that depend on time passing (a marrow missing after its window). An open automatic query whose
problem is gone closes itself; a new problem raises one query per check, record and field.

This module keeps the registry and runs it; it knows no clinical app. The checks live with the data
they check (`assessments/checks.py`, ...), each app importing its module from `AppConfig.ready()`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import override

from integrity import locking, queries, texts
from integrity.model_meta import PARTICIPANT_LABEL
from integrity.models import DataQuery, QueryStatus


@dataclass(frozen=True)
class EditCheck:
    code: str
    model: str  # "app_label.ModelName"
    field: str  # the field the query is raised on (deep link target)
    problem: Callable[[models.Model, dict], str | None]  # (record, per-run cache) -> problem text or None
    # Optional: the records to check for a participant (default: its live records of `model`).
    records: Callable[[object], models.QuerySet] | None = None
    # Other models whose changes can change the answer: "app_label.ModelName" (any field) or
    # "app_label.ModelName.field" (that field only).
    reads: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()  # the fields of `model` the answer depends on (empty: every field)
    # Optional, finer than `reads`: (changed record of a read model, its changed fields or None) -> can this
    # change affect the answer at all? Cheaper than the check itself (one small query at most), and only
    # ever answers False when no answer can change: a blood count dated outside every marrow's window.
    relevant: Callable[[models.Model, frozenset[str] | None], bool] | None = None
    # The answer for a record reads that record and the `reads` models only, never another record of `model`:
    # a change to one record of `model` can change that record's answer alone, so only it is checked again.
    row_local: bool = False

    def affected_by(self, label: str, changed: frozenset[str] | None = None) -> bool:
        """Can a change to a record of model `label` change this check's answer? `changed` names the fields
        that changed (None: unknown, a new record). Removing or restoring a record affects every check of it."""
        if changed is not None and "is_deleted" in changed:
            changed = None
        if label == self.model:
            return changed is None or not self.inputs or not changed.isdisjoint(self.inputs)
        fields = read_fields(self.reads).get(label, False)
        if fields is False:
            return False
        return changed is None or fields is None or not changed.isdisjoint(fields)

    def needed_after(self, record: models.Model, changed: frozenset[str] | None = None) -> bool:
        """Must this check run after `record` changed (`changed` fields, None for new)?"""
        label = record._meta.label
        if not self.affected_by(label, changed):
            return False
        return label == self.model or self.relevant is None or self.relevant(record, changed)


def read_fields(reads: tuple[str, ...]) -> dict[str, frozenset[str] | None]:
    """{model label: the fields read (None: every field)} of a `reads` declaration."""
    out: dict[str, frozenset[str] | None] = {}
    for entry in reads:
        app_label, model_name, *field = entry.split(".")
        label = f"{app_label}.{model_name}"
        if not field or out.get(label, frozenset()) is None:
            out[label] = None
        else:
            out[label] = out.get(label, frozenset()) | {field[0]}
    return out


REGISTRY: dict[str, EditCheck] = {}


def register(
    code: str,
    *,
    model: str,
    field: str,
    records: Callable | None = None,
    reads: tuple[str, ...] = (),
    inputs: tuple[str, ...] = (),
    relevant: Callable[[models.Model, frozenset[str] | None], bool] | None = None,
    row_local: bool = False,
) -> Callable:
    """Decorator: `@register("RSP_DIFF", model="assessments.ResponseCall", field="response", reads=(...))`."""

    def decorator(func: Callable[[models.Model, dict], str | None]) -> Callable:
        REGISTRY[code] = EditCheck(
            code=code, model=model, field=field, problem=func, records=records, reads=reads, inputs=inputs,
            relevant=relevant, row_local=row_local,
        )
        return func

    return decorator


def unregister(code: str) -> None:
    REGISTRY.pop(code, None)


def _model(check: EditCheck) -> type[models.Model] | None:
    try:
        return apps.get_model(check.model)
    except LookupError:
        return None  # a model not in this build yet


def _records(check: EditCheck, model: type[models.Model], participant) -> models.QuerySet:
    if check.records is not None:
        return check.records(participant)
    path = locking.participant_path(model)
    qs = model._base_manager.filter(is_deleted=False) if hasattr(model, "is_deleted") else model._base_manager.all()
    if path is None:
        return qs.none()
    return qs.filter(pk=participant.pk) if path == "" else qs.filter(**{path: participant})


@dataclass(frozen=True)
class Changed:
    """The record a save changed, for the checks it affects (`run_for_record`): a row-local check of its model
    looks at it alone; `created`: made by this transaction, so no query can name it yet."""

    record: models.Model
    created: bool = False


def run_for_participant(
    participant, checks: list[EditCheck] | None = None, known: dict | None = None, changed: Changed | None = None
) -> tuple[int, int]:
    """Run the checks on the participant's records; returns (queries raised, queries closed). `known`: values
    the caller has already read for this participant this request (seeds the checks' per-run cache, see
    `ClinicalRecordForm.edit_check_cache`); ignored when it names another participant. `changed`: the record a
    save changed (row-local checks of its model look at it alone).

    One transaction, and no savepoint of its own inside a caller's (the save path's): a failing check fails the
    caller's whole transaction, which is what the save path wants (a refused save changes nothing)."""
    with transaction.atomic(savepoint=False):
        return _run(participant, checks, known, changed)


def _one_record(check: EditCheck, changed: Changed | None) -> bool:
    """Is this run of `check` about the changed record alone?"""
    return (
        changed is not None and check.row_local and check.records is None
        and changed.record._meta.label == check.model
    )


def _records_and_queries(check: EditCheck, model: type[models.Model], participant, changed: Changed | None):
    """({pk: record} to check, {pk: open automatic query of this check}): the participant's, or the changed
    record's alone for a row-local check of its model (no query for a record this transaction created)."""
    ct = ContentType.objects.get_for_model(model)
    queries_of = DataQuery.objects.filter(check_code=check.code, content_type=ct, participant=participant).exclude(
        status=QueryStatus.CLOSED
    )
    if _one_record(check, changed):
        record = changed.record
        records = {} if getattr(record, "is_deleted", False) else {record.pk: record}
        if changed.created:
            return records, {}
        return records, {q.object_id: q for q in queries_of.filter(object_id=record.pk)}
    return {r.pk: r for r in _records(check, model, participant)}, {q.object_id: q for q in queries_of}


def _run(
    participant, checks: list[EditCheck] | None, known: dict | None, changed: Changed | None = None
) -> tuple[int, int]:
    raised = closed = 0
    cache: dict = {"participant": participant}
    if known and getattr(known.get("participant"), "pk", None) == participant.pk:
        cache = {**known, "participant": participant}
    for check in checks if checks is not None else list(REGISTRY.values()):
        model = _model(check)
        if model is None:
            continue
        records, live = _records_and_queries(check, model, participant, changed)
        for pk, record in records.items():
            with override("en-gb"):  # the query's text is stored in English (pages show it by integrity.texts)
                text = check.problem(record, cache)
            text = str(text) if text else text
            if text and pk not in live:
                queries.raise_query(user=None, record=record, field_name=check.field, text=text, check_code=check.code)
                raised += 1
            elif not text and pk in live:
                queries.close(user=None, query=live[pk], automatic=True)
                closed += 1
        for pk, query in live.items():
            if pk not in records:  # the record was removed
                queries.close(user=None, query=query, automatic=True, text=texts.CLOSED_RECORD_REMOVED)
                closed += 1
    return raised, closed


def run_for_record(
    record: models.Model, changed: frozenset[str] | None = None, known: dict | None = None, created: bool = False
) -> tuple[int, int]:
    """After a save: run, for the record's participant (if it has one), the checks the change can affect
    (`changed`: the fields that changed; None for a new record or when unknown; `known`: as for
    run_for_participant; `created`: the record is new in this transaction)."""
    checks = [check for check in REGISTRY.values() if check.needed_after(record, changed)]
    if not checks:
        return 0, 0
    participant = locking.participant_of(record)
    if participant is None:
        return 0, 0
    return run_for_participant(participant, checks, known, Changed(record, created))


def sweep() -> tuple[int, int]:
    """Run every check for every participant (periodic)."""
    raised = closed = 0
    for participant in apps.get_model(PARTICIPANT_LABEL).objects.filter(is_deleted=False):
        r, c = run_for_participant(participant)
        raised, closed = raised + r, closed + c
    return raised, closed

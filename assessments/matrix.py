"""The participant × timepoint status matrix: bulk reads (values()) aggregated per participant in Python.

A fixed number of queries whatever the number of participants: consents, cycles, doses, EOC marrows (with
their flow MRD and response call), follow-up contacts, the open queries (plus one per kind of queried record,
to find its timepoint), locks, signatures, and for source data verification the critical values of the
screening, EOC and follow-up forms (one query per form) and their current marks (one query).
integrity.rules turns each cell's counts into its states.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.models import BoneMarrowAssessment, FlowMrd, FollowUpContact, NgsMrd, ResponseCall, Timepoint
from cycles.models import Administration, AdministrationStatus, BlinatumomabSegment, Cycle, CycleStatus, VisitRecord
from enrollment.models import Consent, Participant, ScreeningRecord
from integrity import verification
from integrity.models import DataQuery, Lock, LockScope, QueryStatus, Signature
from integrity.rules import (
    STATE_LABELS,
    STATE_MEANINGS,
    VERIFIED,
    CellFacts,
    CriticalValue,
    cell_states,
    shown_states,
    verification_progress,
)

SCREENING, C1, EOC1, C2, EOC2, FOLLOW_UP = "SCREENING", "C1", "EOC1", "C2", "EOC2", "FOLLOW_UP"
COLUMNS = (
    (SCREENING, _("Screening")),
    (C1, _("Cycle 1")),
    (EOC1, _("End of cycle 1")),
    (C2, _("Cycle 2")),
    (EOC2, _("End of cycle 2")),
    (FOLLOW_UP, _("Follow-up")),
)
CYCLE_COLUMNS = {1: C1, 2: C2}
EOC_COLUMNS = {Timepoint.EOC1.value: EOC1, Timepoint.EOC2.value: EOC2}
CLOSED_CYCLE = (CycleStatus.COMPLETED, CycleStatus.STOPPED_EARLY)
# Forms an EOC timepoint expects: the marrow, its flow MRD and the investigator's response call (NGS MRD is
# optional: not every participant has a trackable clone).
EOC_EXPECTED = 3

# The records a query can sit on, and how to find their column: a fixed column, or the path to the cycle
# number or the marrow's timepoint. Queries on other records (blood counts, EMD, safety forms, transplant)
# concern no timepoint column and are not shown in the matrix.
FIXED = {ScreeningRecord: SCREENING, Consent: SCREENING, Participant: SCREENING, FollowUpContact: FOLLOW_UP}
BY_CYCLE = {Cycle: "number", Administration: "cycle__number", BlinatumomabSegment: "cycle__number",
            VisitRecord: "cycle__number"}
BY_TIMEPOINT = {BoneMarrowAssessment: "timepoint", FlowMrd: "marrow__timepoint", NgsMrd: "marrow__timepoint",
                ResponseCall: "marrow__timepoint"}
# The forms whose critical values decide "verified": those the cells count (consents and cycles have none; blood
# counts belong to no column and are verified from the monitor's work list).
VERIFIED_IN = (ScreeningRecord, *BY_TIMEPOINT, FollowUpContact)
# A state's sign beside its words (never instead of them), so the state does not rest on colour alone.
STATE_ICONS = {VERIFIED: "\u2713"}


@dataclass
class Cell:
    column: str
    states: tuple[str, ...]
    url: str

    @property
    def shown(self) -> tuple[str, ...]:
        return shown_states(self.states)

    @property
    def words(self) -> list[dict]:
        return [{"code": s, "label": STATE_LABELS[s], "icon": STATE_ICONS.get(s, "")} for s in self.shown]


def legend() -> list[dict]:
    """Every state in words, with its meaning and sign, in the order cells print them."""
    return [{"code": code, "label": STATE_LABELS[code], "meaning": meaning, "icon": STATE_ICONS.get(code, "")}
            for code, meaning in STATE_MEANINGS.items()]


def matrix_rows(participants: list[dict], *, verification_facts: bool = True) -> list[dict]:
    """One row per participant (values() rows with pk, participant_id, site__code, screening_id) with its cells.
    Without `verification_facts` (7 queries fewer) no cell is verified; a complete one stays complete."""
    ids = [p["pk"] for p in participants]
    if not ids:
        return []
    facts = _facts(participants, ids, verification_facts)
    rows = []
    for p in participants:
        pid = p["pk"]
        cells = []
        for key, _label in COLUMNS:
            cell = facts[pid][key]
            url = _url(key, p, cell.pop("cycle_pk", None))
            cells.append(Cell(key, cell_states(CellFacts(**cell)), url))
        rows.append({"pk": pid, "participant_id": p["participant_id"], "site_code": p["site__code"],
                     "url": reverse("enrollment:participant-detail", args=[pid]), "cells": cells})
    return rows


def _url(key: str, participant: dict, cycle_pk: int | None) -> str:
    pid = participant["pk"]
    if key == SCREENING:
        return reverse("enrollment:screening-detail", args=[participant["screening_id"]])
    if key in (C1, C2):
        if cycle_pk:
            return reverse("cycles:cycle-detail", args=[cycle_pk])
        return reverse("cycles:participant-calendar", args=[pid])
    if key in (EOC1, EOC2):
        return reverse("assessments:eoc-detail", args=[pid, key])
    return reverse("assessments:participant-assessments", args=[pid])


def _facts(participants: list[dict], ids: list[int], verification_facts: bool) -> dict[int, dict[str, dict]]:
    facts: dict[int, dict[str, dict]] = {
        pid: {key: {"expected": 1, "entered": 0} for key, _label in COLUMNS} for pid in ids
    }
    consented = set(Consent.objects.live().filter(screening_id__in=[p["screening_id"] for p in participants])
                    .values_list("screening_id", flat=True))
    for p in participants:
        facts[p["pk"]][SCREENING].update(expected=2, entered=1 + (p["screening_id"] in consented))
    _cycle_facts(facts, ids)
    _eoc_facts(facts, ids)
    contacts = FollowUpContact.objects.live().filter(participant_id__in=ids).values_list("participant_id", flat=True)
    for pid in set(contacts):
        facts[pid][FOLLOW_UP]["entered"] = 1
    _query_facts(facts, ids)
    _lock_and_signature_facts(facts, ids)
    if verification_facts:
        _verification_facts(facts, ids)
    return facts


def _cycle_facts(facts: dict, ids: list[int]) -> None:
    """A cycle expects its start, each planned dose recorded (given, reduced, held or omitted) and its end."""
    cycles = {
        c["pk"]: c
        for c in Cycle.objects.live().filter(participant_id__in=ids, number__in=CYCLE_COLUMNS)
        .values("pk", "participant_id", "number", "status")
    }
    doses = (Administration.objects.live().filter(cycle_id__in=list(cycles)).values("cycle_id")
             .annotate(total=Count("pk"), recorded=Count("pk", filter=~Q(status=AdministrationStatus.PLANNED))))
    by_cycle = {d["cycle_id"]: d for d in doses}
    for pk, c in cycles.items():
        dose = by_cycle.get(pk, {"total": 0, "recorded": 0})
        facts[c["participant_id"]][CYCLE_COLUMNS[c["number"]]].update(
            expected=2 + dose["total"],
            entered=1 + dose["recorded"] + (c["status"] in CLOSED_CYCLE),
            cycle_pk=pk,
        )


def _eoc_facts(facts: dict, ids: list[int]) -> None:
    marrows = (
        BoneMarrowAssessment.objects.live()
        .filter(participant_id__in=ids, timepoint__in=list(EOC_COLUMNS))
        .annotate(
            has_flow=Exists(FlowMrd.objects.live().filter(marrow=OuterRef("pk"))),
            has_call=Exists(ResponseCall.objects.live().filter(marrow=OuterRef("pk"))),
        )
        .values("participant_id", "timepoint", "has_flow", "has_call")
    )
    for m in marrows:
        facts[m["participant_id"]][EOC_COLUMNS[m["timepoint"]]].update(
            expected=EOC_EXPECTED, entered=1 + m["has_flow"] + m["has_call"]
        )


def _query_facts(facts: dict, ids: list[int]) -> None:
    """Open or answered queries, each counted in the column of the record it sits on."""
    open_queries = list(
        DataQuery.objects.filter(participant_id__in=ids)
        .exclude(status=QueryStatus.CLOSED)
        .values("participant_id", "content_type_id", "object_id")
    )
    by_model = ContentType.objects.get_for_models(*FIXED, *BY_CYCLE, *BY_TIMEPOINT)  # one query when not cached
    kinds = {ct.pk: model for model, ct in by_model.items()}
    wanted: dict[int, set[int]] = defaultdict(set)
    for q in open_queries:
        if q["content_type_id"] in kinds:
            wanted[q["content_type_id"]].add(q["object_id"])
    columns: dict[tuple[int, int], str] = {}
    for ct_id, object_ids in wanted.items():  # at most one query per kind of record, whatever the number of rows
        model = kinds[ct_id]
        if model in FIXED:
            columns.update({(ct_id, oid): FIXED[model] for oid in object_ids})
            continue
        path = BY_CYCLE.get(model) or BY_TIMEPOINT[model]
        for oid, value in model._base_manager.filter(pk__in=object_ids).values_list("pk", path):
            column = CYCLE_COLUMNS.get(value) if model in BY_CYCLE else EOC_COLUMNS.get(value)
            if column:
                columns[(ct_id, oid)] = column
    for q in open_queries:
        column = columns.get((q["content_type_id"], q["object_id"]))
        if column:
            cell = facts[q["participant_id"]][column]
            cell["open_queries"] = cell.get("open_queries", 0) + 1


def _lock_and_signature_facts(facts: dict, ids: list[int]) -> None:
    locks = Lock.objects.filter(unlocked_at__isnull=True).filter(
        Q(scope=LockScope.STUDY) | Q(participant_id__in=ids)
    ).values("scope", "participant_id", "timepoint")
    for lock in locks:
        targets = ids if lock["scope"] == LockScope.STUDY else [lock["participant_id"]]
        for pid in targets:
            _flag(facts[pid], "locked", lock["timepoint"])
    # A signature broken by a later edit is marked when a signature page or the casebook first checks it.
    signatures = Signature.objects.filter(participant_id__in=ids, invalidated_at__isnull=True).values(
        "participant_id", "timepoint"
    )
    for sig in signatures:
        _flag(facts[sig["participant_id"]], "signed", sig["timepoint"])


def _flag(cells: dict[str, dict], flag: str, timepoint: str) -> None:
    """Set `flag` on the timepoint's cell, or on every cell when the timepoint is empty (participant, study,
    casebook)."""
    if not timepoint:
        for cell in cells.values():
            cell[flag] = True
    elif timepoint in EOC_COLUMNS:
        cells[EOC_COLUMNS[timepoint]][flag] = True


def column_of(value: CriticalValue) -> str | None:
    """The matrix column a critical value belongs to, None for a form no cell counts."""
    if value.model in _TIMEPOINT_LABELS:
        return EOC_COLUMNS.get(value.timepoint)
    return _FIXED_LABELS.get(value.model)


# Model labels, computed once: column_of runs for every critical value of every participant shown.
_TIMEPOINT_LABELS = frozenset(m._meta.label for m in BY_TIMEPOINT)
_FIXED_LABELS = {ScreeningRecord._meta.label: SCREENING, FollowUpContact._meta.label: FOLLOW_UP}


def _verification_facts(facts: dict, ids: list[int]) -> None:
    """Per cell, its critical values and how many of them a current source verification mark covers."""
    values = verification.critical_values_of(ids, list(VERIFIED_IN))
    marks = verification.active_marks_of(ids, values)
    found = verification_progress(values, marks, key=lambda v: (v.participant_id, column_of(v)))
    for (pid, column), counted in found.items():
        if column is not None and pid in facts:
            facts[pid][column].update(critical=counted.total, verified=counted.verified)

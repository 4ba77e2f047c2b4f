"""ORM -> assessments.rules bridge, shared by the casebook, the EOC page, edit checks and the endpoint engine.

``derive_for_participants(ids, cutoff)`` loads every assessment of the given participants in ONE query per
model, and their last dates known alive in one more (8 in all, whatever the number of participants or records),
and returns plain dataclasses.

Conventions (DOMAIN 3.1-3.3, decisions 2-4 and 6; where DOMAIN leaves room, chosen here):
- Every marrow (EOC, unscheduled, follow-up) gets a derived response, in date order; "prior remission"
  for a marrow = an earlier marrow derived CR/CRh/CRi.
- Blood counts for a marrow: the CBC nearest the marrow date within -7/+3 days (rules.nearest_cbc);
  none -> NE (reason NO_CBC_IN_WINDOW). EMD for a marrow: the EMD assessment nearest the marrow date in
  the same window; none -> "not assessed" (counted as absent by default, ResponseCriteria).
- Relapse dates (decision 6), only after the first remission date: marrows derived RELAPSE, CBCs with
  circulating blasts, EMD present (incl. CNS2/3), and relapse dates reported on follow-up contacts
  (those count whatever the derived remission, since the site documented a relapse).
- Death date: the earliest death date on a contact with vital status "dead".
- Dates known alive: the one definition of enrollment.alive (Project decision 11: every dated record that
  declares it, from doses and infusion segments to "alive" contacts), as the latest such date (one query);
  dropped when after the death date. NOT cut at ``cutoff``: the engine truncates LSTALVDT at the cut-off
  itself (DOMAIN 5.5).
- Adequate disease assessment dates: marrows with an evaluable (non-NE) derived response and contacts
  whose disease status was assessed (continued remission or relapse).
- ``cutoff``: records dated after it are ignored (except dates known alive, see above).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from assessments import rules
from assessments.facts import EocAssessment
from assessments.models import (
    BloodCount,
    BoneMarrowAssessment,
    DiseaseStatus,
    ExtramedullaryDisease,
    FlowMrd,
    FlowResultType,
    FollowUpContact,
    NgsMrd,
    ResponseCall,
    Timepoint,
    VitalStatus,
)
from blinatrial.request_memo import memoized
from enrollment.alive import latest_alive_dates

EOC_TIMEPOINTS = (Timepoint.EOC1.value, Timepoint.EOC2.value)


@dataclass(frozen=True)
class CbcRow:
    id: int
    sample_date: date
    anc: float | None
    plt: float | None
    pb_blasts: bool | None
    circulating_blasts_pct: float | None = None


@dataclass(frozen=True)
class EmdRow:
    id: int
    sample_date: date
    status: str
    cns_status: str

    @property
    def present(self) -> bool | None:
        return rules.emd_present(self.status, self.cns_status)


@dataclass(frozen=True)
class FlowRow:
    id: int
    result_type: str
    value_pct: float | None
    lod_pct: float | None
    not_evaluable_reason: str = ""

    @property
    def result_label(self) -> str:
        return FlowResultType(self.result_type).label


@dataclass(frozen=True)
class NgsRow:
    id: int
    clone_trackable: bool
    detected: bool | None
    fraction: float | None
    lod_fraction: float | None


@dataclass(frozen=True)
class MarrowDerived:
    """One marrow with everything derived from it (DOMAIN 3.2-3.3)."""

    marrow_id: int
    timepoint: str
    marrow_date: date
    blasts_pct: float | None
    aspirate_adequacy: str
    cbc: CbcRow | None
    emd_record: EmdRow | None
    prior_remission: bool
    derived_response: str
    ne_reason: str | None
    investigator_call: str | None = None
    call_id: int | None = None
    flow: FlowRow | None = None
    flow_class: str | None = None  # NEG/POS/NE at the protocol cut-off (0.1 %); None = no flow result
    flow_ne_reason: str | None = None
    flow_label: str | None = None  # e.g. NE_INSUFFICIENT_SENSITIVITY
    flow_class_reporting: str | None = None  # label at 0.01 % (NE_INSUFFICIENT_SENSITIVITY spelled out)
    flow_reporting_class: str | None = None  # NEG/POS/NE at 0.01 %
    flow_reporting_ne_reason: str | None = None
    ngs: NgsRow | None = None
    ngs_class: str | None = None  # NEG/POS/NE at 1e-6; None = no NGS result
    ngs_ne_reason: str | None = None
    ngs_band: str | None = None

    @property
    def emd(self) -> bool | None:
        return self.emd_record.present if self.emd_record else None

    @property
    def disagreement(self) -> bool:
        """Investigator's call recorded and different from the derived response."""
        return self.investigator_call is not None and self.investigator_call != self.derived_response

    @property
    def is_eoc(self) -> bool:
        return self.timepoint in EOC_TIMEPOINTS

    @property
    def mrd_without_lod(self) -> bool:
        """Flow 'not detected' entered without a LOD (edit check "MRD entered without LOD")."""
        return self.flow is not None and self.flow.result_type == rules.NOT_DETECTED and self.flow.lod_pct is None

    def to_eoc_assessment(self) -> EocAssessment:
        """The endpoint engine's view of this marrow (assessments.facts.EocAssessment), numeric MRD included."""
        flow, ngs = self.flow, self.ngs
        return EocAssessment(
            marrow_date=self.marrow_date,
            response=self.derived_response,
            flow_class=self.flow_class,
            ne_reason=self.ne_reason,
            mrd_ne_reason=self.flow_ne_reason,
            flow_value_pct=_f(flow.value_pct) if flow else None,
            flow_lod_pct=_f(flow.lod_pct) if flow else None,
            ngs_value=_f(ngs.fraction) if ngs else None,
            ngs_lod=_f(ngs.lod_fraction) if ngs else None,
            ngs_class=self.ngs_class,
            flow_class_reporting=self.flow_reporting_class,
            flow_reporting_ne_reason=self.flow_reporting_ne_reason,
            ngs_ne_reason=self.ngs_ne_reason,
            ngs_band=self.ngs_band,
            ngs_clone_trackable=ngs.clone_trackable if ngs else None,
        )


@dataclass(frozen=True)
class ContactRow:
    id: int
    contact_date: date
    vital_status: str
    disease_status: str
    relapse_date: date | None
    death_date: date | None
    death_cause: str
    transplant_date: date | None

    @property
    def vital_label(self) -> str:
        return VitalStatus(self.vital_status).label

    @property
    def disease_label(self) -> str:
        return DiseaseStatus(self.disease_status).label


@dataclass
class ParticipantAssessments:
    """Everything derived for one participant (keys: EOC1/EOC2 in ``eoc``)."""

    participant_id: int
    marrows: list[MarrowDerived] = field(default_factory=list)
    eoc: dict[str, MarrowDerived] = field(default_factory=dict)
    cbcs: list[CbcRow] = field(default_factory=list)
    emds: list[EmdRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    first_remission_date: date | None = None
    relapse_dates: tuple[date, ...] = ()
    death_date: date | None = None
    dates_alive: tuple[date, ...] = ()
    assessment_dates: tuple[date, ...] = ()
    transplant_dates: tuple[date, ...] = ()

    @property
    def eoc1(self) -> MarrowDerived | None:
        return self.eoc.get("EOC1")

    @property
    def eoc2(self) -> MarrowDerived | None:
        return self.eoc.get("EOC2")

    @property
    def relapse_date(self) -> date | None:
        return min(self.relapse_dates) if self.relapse_dates else None

    @property
    def last_known_alive(self) -> date | None:
        return max(self.dates_alive) if self.dates_alive else None

    @property
    def last_adequate_assessment(self) -> date | None:
        return max(self.assessment_dates) if self.assessment_dates else None

    def participant_data_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for endpoints.calculations.ParticipantData (add participant_id, c1d1, hsct_date)."""
        return {
            "eoc1": self.eoc1.to_eoc_assessment() if self.eoc1 else None,
            "eoc2": self.eoc2.to_eoc_assessment() if self.eoc2 else None,
            "death_date": self.death_date,
            "relapse_dates": self.relapse_dates,
            "dates_alive": self.dates_alive,
            "assessment_dates": self.assessment_dates,
        }


def _f(value) -> float | None:
    return None if value is None else float(value)


def _by_participant(rows: Iterable[dict], key: str = "participant_id") -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _live(model, **filters):
    return model.objects.live().filter(**filters)


CBC_VALUES = ("id", "participant_id", "sample_date", "anc_e9_per_l", "platelets_e9_per_l", "circulating_blasts",
              "circulating_blasts_pct")


def participant_blood_counts(participant_id: int) -> list[BloodCount]:
    """A participant's live blood counts by sample date (one query), read once per page within a
    ``blinatrial.request_memo.shared_loads`` scope: the casebook's assessments and safety sections share them."""
    return memoized(
        ("assessments.blood_counts", participant_id),
        lambda: list(_live(BloodCount, participant_id=participant_id).order_by("sample_date", "id")),
    )


def cbc_values(counts: Iterable[BloodCount]) -> list[dict]:
    """Blood counts as the rows ``_load`` reads (CBC_VALUES)."""
    return [{name: getattr(c, name) for name in CBC_VALUES} for c in counts]


def _load(ids: list[int] | QuerySet, cutoff: date | None, cbc_rows: list[dict] | None = None) -> dict[str, Any]:
    """Seven queries: one per assessment model (six when the blood counts are given as `cbc_rows`)."""
    date_cut = (lambda name: {f"{name}__lte": cutoff}) if cutoff else (lambda name: {})
    marrows = list(
        _live(BoneMarrowAssessment, participant_id__in=ids, **date_cut("sample_date"))
        .order_by("sample_date", "id")
        .values("id", "participant_id", "timepoint", "sample_date", "blasts_pct", "aspirate_adequacy")
    )
    marrow_filter = {"marrow__participant_id__in": ids, "marrow__is_deleted": False}
    flows = {
        r["marrow_id"]: r
        for r in _live(FlowMrd, **marrow_filter)
        .order_by("id")
        .values("id", "marrow_id", "result_type", "value_pct", "lod_pct", "not_evaluable_reason")
    }
    ngs = {
        r["marrow_id"]: r
        for r in _live(NgsMrd, **marrow_filter)
        .order_by("id")
        .values("id", "marrow_id", "clone_trackable", "result", "value_fraction", "value_cells_per_million",
                "lod_fraction")
    }
    calls = {r["marrow_id"]: r for r in _live(ResponseCall, **marrow_filter).order_by("id").values("id", "marrow_id",
                                                                                                      "response")}
    if cbc_rows is None:
        cbc_rows = _live(BloodCount, participant_id__in=ids).order_by("sample_date", "id").values(*CBC_VALUES)
    cbcs = _by_participant(cbc_rows)
    emds = _by_participant(
        _live(ExtramedullaryDisease, participant_id__in=ids)
        .order_by("assessed_on", "id")
        .values("id", "participant_id", "assessed_on", "status", "cns_status")
    )
    contacts = _by_participant(
        _live(FollowUpContact, participant_id__in=ids)
        .order_by("contact_date", "id")
        .values("id", "participant_id", "contact_date", "vital_status", "disease_status", "relapse_date",
                "death_date", "death_cause", "transplant_date")
    )
    return {"marrows": _by_participant(marrows), "flows": flows, "ngs": ngs, "calls": calls, "cbcs": cbcs,
            "emds": emds, "contacts": contacts}


def _cbc_row(r: dict) -> CbcRow:
    pb = None if r["circulating_blasts"] == "NOT_DONE" else r["circulating_blasts"] == "PRESENT"
    return CbcRow(r["id"], r["sample_date"], _f(r["anc_e9_per_l"]), _f(r["platelets_e9_per_l"]), pb,
                  _f(r["circulating_blasts_pct"]))


def _flow_fields(row: dict | None, mrd: rules.MrdCriteria) -> dict[str, Any]:
    if row is None:
        return {}
    flow = FlowRow(row["id"], row["result_type"], row["value_pct"], row["lod_pct"], row["not_evaluable_reason"])
    protocol = rules.flow_mrd_assessment(flow.result_type, flow.value_pct, flow.lod_pct, mrd.flow_cutoff_pct)
    reporting = rules.flow_mrd_assessment(
        flow.result_type, flow.value_pct, flow.lod_pct, mrd.flow_reporting_cutoff_pct
    )
    return {"flow": flow, "flow_class": protocol.cls, "flow_ne_reason": protocol.ne_reason,
            "flow_label": protocol.label, "flow_class_reporting": reporting.label,
            "flow_reporting_class": reporting.cls, "flow_reporting_ne_reason": reporting.ne_reason}


def _ngs_fields(row: dict | None, mrd: rules.MrdCriteria) -> dict[str, Any]:
    if row is None:
        return {}
    fraction = row["value_fraction"]
    if fraction is None and row["value_cells_per_million"] is not None:
        fraction = row["value_cells_per_million"] / 1_000_000
    detected = {"DETECTED": True, "NOT_DETECTED": False}.get(row["result"])
    ngs = NgsRow(row["id"], row["clone_trackable"], detected, fraction, row["lod_fraction"])
    cutoff = mrd.ngs_cutoff_fraction
    result = rules.ngs_mrd_assessment(ngs.clone_trackable, detected, fraction, ngs.lod_fraction, cutoff)
    band = rules.ngs_mrd_band(ngs.clone_trackable, detected, fraction, ngs.lod_fraction, mrd)
    return {"ngs": ngs, "ngs_class": result.cls, "ngs_ne_reason": result.ne_reason, "ngs_band": band}


def _derive_marrows(
    marrow_rows: list[dict], cbcs: list[CbcRow], emds: list[EmdRow], data: dict, criteria, mrd
) -> list[MarrowDerived]:
    out: list[MarrowDerived] = []
    in_remission = False
    for m in marrow_rows:
        cbc = rules.nearest_cbc(m["sample_date"], cbcs, criteria)
        emd = rules.nearest_cbc(m["sample_date"], emds, criteria)
        emd_present = emd.present if emd else None
        inputs = rules.MarrowInputs(
            bm_blast_pct=_f(m["blasts_pct"]),
            pb_blasts=cbc.pb_blasts if cbc else None,
            emd=emd_present,
            anc=cbc.anc if cbc else None,
            plt=cbc.plt if cbc else None,
            prior_remission=in_remission,
        )
        response = rules.derive_response(inputs, criteria)
        call = data["calls"].get(m["id"])
        out.append(
            MarrowDerived(
                marrow_id=m["id"], timepoint=m["timepoint"], marrow_date=m["sample_date"],
                blasts_pct=inputs.bm_blast_pct, aspirate_adequacy=m["aspirate_adequacy"], cbc=cbc, emd_record=emd,
                prior_remission=in_remission, derived_response=response,
                ne_reason=rules.response_ne_reason(inputs, cbc is not None, criteria),
                investigator_call=call["response"] if call else None, call_id=call["id"] if call else None,
                **_flow_fields(data["flows"].get(m["id"]), mrd), **_ngs_fields(data["ngs"].get(m["id"]), mrd),
            )
        )
        if rules.is_remission(response):
            in_remission = True
        elif response == rules.RELAPSE:
            in_remission = False
    return out


def _relapse_dates(pa: ParticipantAssessments, cutoff: date | None) -> tuple[date, ...]:
    dates = {c.relapse_date for c in pa.contacts if c.relapse_date is not None}
    remission = pa.first_remission_date
    if remission is not None:
        dates |= {m.marrow_date for m in pa.marrows if m.derived_response == rules.RELAPSE}
        dates |= {c.sample_date for c in pa.cbcs if c.pb_blasts and c.sample_date > remission}
        dates |= {e.sample_date for e in pa.emds if e.present and e.sample_date > remission}
    return tuple(sorted(d for d in dates if cutoff is None or d <= cutoff))


def _summarise(pa: ParticipantAssessments, cutoff: date | None, last_alive: date | None) -> None:
    pa.eoc = {m.timepoint: m for m in pa.marrows if m.is_eoc}
    pa.first_remission_date = rules.first_remission_date([(m.marrow_date, m.derived_response) for m in pa.marrows])
    pa.relapse_dates = _relapse_dates(pa, cutoff)
    deaths = [c.death_date for c in pa.contacts if c.vital_status == VitalStatus.DEAD and c.death_date]
    deaths = [d for d in deaths if cutoff is None or d <= cutoff]
    pa.death_date = min(deaths) if deaths else None
    alive_before_death = last_alive is not None and (pa.death_date is None or last_alive <= pa.death_date)
    pa.dates_alive = (last_alive,) if alive_before_death else ()
    assessed = {m.marrow_date for m in pa.marrows if m.derived_response != rules.NE}
    assessed |= {
        c.contact_date for c in pa.contacts
        if c.disease_status in (DiseaseStatus.CONTINUED_REMISSION, DiseaseStatus.RELAPSE)
    }
    pa.assessment_dates = tuple(sorted(d for d in assessed if cutoff is None or d <= cutoff))
    pa.transplant_dates = tuple(
        sorted({c.transplant_date for c in pa.contacts if c.transplant_date and (cutoff is None or
                                                                                  c.transplant_date <= cutoff)})
    )


def derive_for_participants(
    participant_ids: Iterable[int],
    cutoff: date | None = None,
    *,
    criteria: rules.ResponseCriteria = rules.DEFAULT_RESPONSE_CRITERIA,
    mrd: rules.MrdCriteria = rules.DEFAULT_MRD_CRITERIA,
    among: QuerySet | None = None,
    cbc_rows: list[dict] | None = None,
) -> dict[int, ParticipantAssessments]:
    """participant pk -> ParticipantAssessments, in 8 SQL queries whatever the number of participants.
    `among`: the same participants as a queryset of pks, to select them in SQL instead of by a list.
    `cbc_rows`: these participants' live blood counts already read (``cbc_values``), in place of their query."""
    ids = sorted(set(participant_ids))
    if not ids:
        return {}
    data = _load(among if among is not None else ids, cutoff, cbc_rows)
    last_alive = latest_alive_dates(among if among is not None else ids)
    out: dict[int, ParticipantAssessments] = {}
    for pid in ids:
        cbcs = [_cbc_row(r) for r in data["cbcs"].get(pid, []) if cutoff is None or r["sample_date"] <= cutoff]
        emds = [
            EmdRow(r["id"], r["assessed_on"], r["status"], r["cns_status"])
            for r in data["emds"].get(pid, [])
            if cutoff is None or r["assessed_on"] <= cutoff
        ]
        contacts = [
            ContactRow(r["id"], r["contact_date"], r["vital_status"], r["disease_status"], r["relapse_date"],
                       r["death_date"], r["death_cause"], r["transplant_date"])
            for r in data["contacts"].get(pid, [])
        ]
        pa = ParticipantAssessments(participant_id=pid, cbcs=cbcs, emds=emds, contacts=contacts)
        pa.marrows = _derive_marrows(data["marrows"].get(pid, []), cbcs, emds, data, criteria, mrd)
        _summarise(pa, cutoff, last_alive.get(pid))
        out[pid] = pa
    return out


def derive_for_participant(participant_id: int, cutoff: date | None = None) -> ParticipantAssessments:
    """One participant (same 8 queries), derived once per page within a ``blinatrial.request_memo.shared_loads``
    scope: the casebook's assessments section and its signatures' validity (assessments.signing) share it."""
    return memoized(("assessments.derived", participant_id, cutoff), lambda: _derive_one(participant_id, cutoff))


def _derive_one(participant_id: int, cutoff: date | None) -> ParticipantAssessments:
    # the blood counts are shared with the page's other sections (safety)
    cbc_rows = cbc_values(participant_blood_counts(participant_id))
    return derive_for_participants([participant_id], cutoff, cbc_rows=cbc_rows)[participant_id]

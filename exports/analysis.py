"""Analysis datasets of a snapshot, derived by the endpoint engine for the snapshot's data cut-off.

ADaM-like names: adsl.csv (one row per participant), adrs.csv (one row per treated participant per
timepoint, with the flow and NGS MRD values, LODs and classes of that marrow), adtte.csv (OS and EFS, one row
per treated participant per parameter; RFS, DOR and CIR from the first CR/CRh/CRi, one row per responder per
parameter, CIR with the competing-event code; each with its HSCT-censored sensitivity variant), adae.csv (one row
per adverse event with onset by the cut-off: term, SOC, grade, seriousness, treatment-emergent flag, relationship
to each study drug). The rows come from `endpoints.calculations.compute_all` and the loaded safety facts; nothing
is re-derived here, so the files agree with the endpoint dashboard for the same cut-off.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_noop

from assessments.rules import (
    MRD_NE,
    MRD_NEG,
    MRD_POS,
    NGS_BAND_HIGH,
    NGS_BAND_LOW,
    NGS_BAND_MID,
    RESPONSES,
)
from endpoints import calculations as calc
from endpoints.calculations import ParticipantData
from integrity.cells import CODE, DATE, FLOAT, INTEGER, TEXT, Column
from safety.calculations import DRUG_LABELS, RELATIONSHIP_LABELS
from safety.rules import AESI_LABELS, study_day

YES, NO = "Y", "N"
YES_NO = f"{YES}=Yes; {NO}=No"
RESPONSE_CODES = "; ".join(RESPONSES)
MRD_CODES = f"{MRD_NEG}=negative (< protocol cut-off); {MRD_POS}=positive; {MRD_NE}=not evaluable"
PRIMARY_CODES = f"{calc.RESPONDER}; {calc.NON_RESPONDER}; {calc.NOT_EVALUABLE}; {calc.PENDING}"
TIMEPOINT_CODES = "EOC1=end of cycle 1; EOC2=end of cycle 2; BY_EOC2=best of EOC1 and EOC2"
NGS_BAND_CODES = (
    f"{NGS_BAND_LOW}=below 1e-6 (negative); {NGS_BAND_MID}=1e-6 to < 1e-4; {NGS_BAND_HIGH}=1e-4 or more; "
    f"{MRD_NE}=not evaluable, or detected without a value"
)
PARAMS = {
    calc.PARAM_OS: "Overall survival (days)",
    calc.PARAM_EFS: "Event-free survival (days)",
    calc.PARAM_OS_HSCT: "Overall survival, censored at allogeneic HSCT (sensitivity) (days)",
    calc.PARAM_EFS_HSCT: "Event-free survival, censored at allogeneic HSCT (sensitivity) (days)",
    calc.PARAM_RFS: "Relapse-free survival from the first CR/CRh/CRi (days)",
    calc.PARAM_RFS_HSCT: "Relapse-free survival, censored at allogeneic HSCT (sensitivity) (days)",
    calc.PARAM_DOR: "Duration of response from the first CR/CRh/CRi (days)",
    calc.PARAM_DOR_HSCT: "Duration of response, censored at allogeneic HSCT (sensitivity) (days)",
    calc.PARAM_CIR: "Time to relapse from the first CR/CRh/CRi, death in remission competing (days)",
    calc.PARAM_CIR_HSCT: "Time to relapse, death in remission competing, censored at allogeneic HSCT (days)",
}
COMPETING_RISK_PARAMS = (calc.PARAM_CIR, calc.PARAM_CIR_HSCT)

_ID = Column("USUBJID", TEXT, gettext_noop("Participant ID"))
_SITE = Column("SITEID", TEXT, gettext_noop("Site code"))


def _eoc_columns(tp: str) -> list[Column]:
    return [
        Column(f"{tp}DT", DATE, f"{tp} marrow date"),
        Column(f"{tp}RSP", CODE, f"Response at {tp}", allowed_values=RESPONSE_CODES),
        Column(f"{tp}MRD", CODE, f"Flow MRD class at {tp}", allowed_values=MRD_CODES),
        Column(f"{tp}PRIM", CODE, f"Primary endpoint status at {tp}", allowed_values=PRIMARY_CODES),
        Column(f"{tp}PRFL", CODE, f"MRD-negative CR (primary responder) at {tp}", allowed_values=YES_NO),
        Column(f"{tp}NERS", TEXT, f"Why not evaluable at {tp}"),
    ]


ADSL_COLUMNS = (
    _ID,
    _SITE,
    Column("TRTFL", CODE, gettext_noop("Treated (any dose on or before the cut-off)"), allowed_values=YES_NO),
    Column("TRTSDT", DATE, gettext_noop("First dose of study treatment (C1D1, day 1)")),
    *_eoc_columns("EOC1"),
    *_eoc_columns("EOC2"),
    Column(
        "BESTRSP",
        CODE,
        gettext_noop("Best response by EOC2"),
        allowed_values=f"{RESPONSE_CODES}; {calc.PENDING_RESPONSE}",
    ),
    Column("CRCRIFL", CODE, gettext_noop("CR/CRi (CR, CRh or CRi) by EOC2"), allowed_values=YES_NO),
    Column("PRIMFL", CODE, gettext_noop("MRD-negative CR (primary responder) by EOC2"), allowed_values=YES_NO),
    Column("HSCTDT", DATE, gettext_noop("Allogeneic HSCT date (on or before the cut-off)")),
    Column("DTHDT", DATE, gettext_noop("Death date (on or before the cut-off)")),
    Column("DERIVERR", TEXT, gettext_noop("Derivation error (the participant's data could not be derived)")),
)

ADRS_COLUMNS = (
    _ID,
    _SITE,
    Column("AVISIT", CODE, gettext_noop("Timepoint"), allowed_values=TIMEPOINT_CODES),
    Column("ADT", DATE, gettext_noop("Marrow date (empty for BY_EOC2)")),
    Column("AVALC", CODE, gettext_noop("Response"), allowed_values=f"{RESPONSE_CODES}; {calc.PENDING_RESPONSE}"),
    Column("MRDFLOW", CODE, gettext_noop("Flow MRD class (protocol cut-off)"), allowed_values=MRD_CODES),
    Column("PRIMSTAT", CODE, gettext_noop("Primary endpoint status"), allowed_values=PRIMARY_CODES),
    Column("PRIMFL", CODE, gettext_noop("MRD-negative CR (primary responder)"), allowed_values=YES_NO),
    Column("CRCRIFL", CODE, gettext_noop("CR/CRi (CR, CRh or CRi)"), allowed_values=YES_NO),
    Column("NERSN", TEXT, gettext_noop("Why not evaluable")),
    Column(
        "MRDPNDFL", CODE, gettext_noop("Pending: no marrow and the landmark after the cut-off"), allowed_values=YES_NO
    ),
    Column("MRDFLVAL", FLOAT, gettext_noop("Flow MRD value (empty: not detected or no result)"), unit="%"),
    Column("MRDFLLOD", FLOAT, gettext_noop("Flow MRD limit of detection"), unit="%"),
    Column("MRDFLRSN", TEXT, gettext_noop("Why flow MRD is not evaluable at 0.1 %")),
    # xgettext:no-python-format
    Column("MRDFL4", CODE, gettext_noop("Flow MRD class at the 0.01 % reporting cut-off"), allowed_values=MRD_CODES),
    Column("MRDFL4RS", TEXT, gettext_noop("Why flow MRD is not evaluable at 0.01 %")),
    Column("MRDNGS", CODE, gettext_noop("NGS MRD class at 1e-6"), allowed_values=MRD_CODES),
    Column(
        "MRDNGVAL", FLOAT, gettext_noop("NGS MRD value (empty: not detected or no result)"), unit="fraction of cells"
    ),
    Column("MRDNGLOD", FLOAT, gettext_noop("NGS MRD limit of detection"), unit="fraction of cells"),
    Column("MRDNGBND", CODE, gettext_noop("NGS MRD band"), allowed_values=NGS_BAND_CODES),
    Column(
        "MRDNGRSN",
        TEXT,
        gettext_noop("Why NGS MRD is not evaluable (e.g. NO_TRACKABLE_CLONE, INSUFFICIENT_SENSITIVITY)"),
    ),
)

ADTTE_COLUMNS = (
    _ID,
    _SITE,
    Column(
        "PARAMCD", CODE, gettext_noop("Parameter code"), allowed_values="; ".join(f"{k}={v}" for k, v in PARAMS.items())
    ),
    Column("PARAM", TEXT, gettext_noop("Parameter")),
    Column(
        "STARTDT", DATE, gettext_noop("Time origin (C1D1, day 1; the first CR/CRh/CRi marrow for RFS, DOR and CIR)")
    ),
    Column("ADT", DATE, gettext_noop("Date of event or censoring")),
    Column("AVAL", INTEGER, gettext_noop("Time to event or censoring (days, day 1 = STARTDT)"), unit="days"),
    Column("AVALMO", FLOAT, gettext_noop("Time to event or censoring (months = days / 30.4375)"), unit="months"),
    Column(
        "CNSR",
        INTEGER,
        gettext_noop("Censored"),
        allowed_values="0=event; 1=censored; 2=competing event (CIR: death in remission)",
        minimum="0",
        maximum="2",
    ),
    Column("EVNTDESC", TEXT, gettext_noop("Event description (CNSR = 0, or the competing event, CNSR = 2)")),
    Column("CNSDTDSC", TEXT, gettext_noop("Censoring date description (CNSR = 1)")),
    Column(
        "CMPEVCD",
        INTEGER,
        gettext_noop("Competing-risks event code (CIR rows only)"),
        allowed_values="0=censored; 1=relapse (event of interest); 2=death in remission (competing event)",
        minimum="0",
        maximum="2",
    ),
)


RELATIONSHIP_CODES = "; ".join(f"{k}={v}" for k, v in RELATIONSHIP_LABELS.items())
ADAE_COLUMNS = (
    _ID,
    _SITE,
    Column("AESPID", TEXT, gettext_noop("AE number within the participant")),
    Column("AEDECOD", TEXT, gettext_noop("CTCAE term")),
    Column("AEBODSYS", TEXT, gettext_noop("System organ class")),
    Column("ASTDT", DATE, gettext_noop("Onset date")),
    Column("AENDT", DATE, gettext_noop("Resolution date (on or before the cut-off; empty: ongoing at the cut-off)")),
    Column("ASTDY", INTEGER, gettext_noop("Study day of onset (day 1 = C1D1, no day 0)"), unit="days"),
    Column("ACYCLE", INTEGER, gettext_noop("Cycle of onset")),
    Column(
        "ATOXGR",
        INTEGER,
        gettext_noop("Worst grade (CTCAE v5.0; CRS and ICANS by ASTCT 2019)"),
        minimum="1",
        maximum="5",
    ),
    Column("AESER", CODE, gettext_noop("Serious"), allowed_values=YES_NO),
    Column("TRTEMFL", CODE, gettext_noop("Treatment-emergent"), allowed_values=YES_NO),
    Column("AESI", TEXT, gettext_noop("AE of special interest groups")),
    *(
        Column(f"AREL{drug[:4].upper()}", CODE, f"Relationship to {label}", allowed_values=RELATIONSHIP_CODES)
        for drug, label in DRUG_LABELS.items()
    ),
)


@dataclass(frozen=True)
class AnalysisDatasets:
    adsl: list[tuple]
    adrs: list[tuple]
    adtte: list[tuple]
    calc_version: str
    adae: list[tuple] = ()


def _flag(value: bool | None) -> str | None:
    return None if value is None else (YES if value else NO)


def _on_or_before(value: date | None, cutoff: date) -> date | None:
    return value if value is not None and value <= cutoff else None


def _eoc_cells(summary: dict | None) -> list:
    if summary is None:
        return [None] * 6
    status = summary["primary_status"]
    return [
        summary["marrow_date"],
        summary["response"],
        summary["flow_class"],
        status,
        _flag(status == calc.RESPONDER),
        summary["ne_reason"],
    ]


def _adsl_row(p: ParticipantData, site: str, derived: dict | None, error: str | None, cutoff: date) -> tuple:
    treated = p.treated(cutoff)
    return (
        p.participant_id,
        site,
        _flag(treated),
        p.c1d1 if treated else None,
        *_eoc_cells(derived["EOC1"] if derived else None),
        *_eoc_cells(derived["EOC2"] if derived else None),
        derived["best_response_by_eoc2"] if derived else None,
        _flag(derived["cr_cri_by_eoc2"]) if derived else None,
        _flag(derived["primary_by_eoc2"] == calc.RESPONDER) if derived else None,
        _on_or_before(p.hsct_date, cutoff),
        _on_or_before(p.death_date, cutoff),
        error,
    )


def _mrd_cells(eoc: dict) -> list:
    return [
        _flag(eoc["pending"]),
        eoc["flow_value_pct"],
        eoc["flow_lod_pct"],
        eoc["flow_ne_reason"],
        eoc["flow_class_reporting"],
        eoc["flow_reporting_ne_reason"],
        eoc["ngs_class"],
        eoc["ngs_value"],
        eoc["ngs_lod"],
        eoc["ngs_band"],
        eoc["ngs_ne_reason"],
    ]


def _adrs_rows(derived: dict, site: str, by_eoc2_reason: str | None) -> Iterable[tuple]:
    pid = derived["participant_id"]
    for tp in calc.TIMEPOINTS:
        eoc = derived[tp]
        status = eoc["primary_status"]
        yield (
            pid,
            site,
            tp,
            eoc["marrow_date"],
            eoc["response"],
            eoc["flow_class"],
            status,
            _flag(status == calc.RESPONDER),
            _flag(eoc["cr_cri"]),
            eoc["ne_reason"],
            *_mrd_cells(eoc),
        )
    best_status = derived["primary_by_eoc2"]
    yield (
        pid,
        site,
        "BY_EOC2",
        None,
        derived["best_response_by_eoc2"],
        None,
        best_status,
        _flag(best_status == calc.RESPONDER),
        _flag(derived["cr_cri_by_eoc2"]),
        by_eoc2_reason,
        *[None] * 11,
    )


def competing_event_code(cnsr: int) -> int:
    """CIR rows: CNSR 0 (relapse) -> 1, CNSR 2 (death in remission) -> 2, CNSR 1 (censored) -> 0."""
    return {0: 1, calc.CNSR_COMPETING: 2}.get(cnsr, 0)


def _adtte_row(row: dict, site: str) -> tuple:
    censored = row["CNSR"] == 1
    desc = row["EVNTDESC_or_CNSDTDSC"]
    return (
        row["USUBJID"],
        site,
        row["PARAMCD"],
        PARAMS.get(row["PARAMCD"], row["PARAMCD"]),
        row["STARTDT"],
        row["ADT"],
        row["AVAL_DAYS"],
        row["AVAL_MONTHS"],
        row["CNSR"],
        None if censored else desc,
        desc if censored else None,
        competing_event_code(row["CNSR"]) if row["PARAMCD"] in COMPETING_RISK_PARAMS else None,
    )


def _adae_rows(p: ParticipantData, site: str, cutoff: date) -> list[tuple]:
    """One row per adverse event with onset on or before the cut-off (ADAE-like, issue 15)."""
    facts = sorted((f for f in (p.safety.aes if p.safety else ()) if f.onset <= cutoff), key=lambda f: f.onset)
    return [
        (
            p.participant_id,
            site,
            f.reference or None,
            f.term,
            f.soc,
            f.onset,
            _on_or_before(f.resolved, cutoff),
            study_day(f.onset, p.c1d1),
            f.cycle,
            f.grade,
            _flag(f.serious),
            _flag(f.treatment_emergent),
            "; ".join(AESI_LABELS.get(g, g) for g in f.aesi) or None,
            *(f.related.get(drug) for drug in DRUG_LABELS),
        )
        for f in facts
    ]


def analysis_datasets(participants: list[ParticipantData], site_of: dict[str, str], cutoff: date) -> AnalysisDatasets:
    """ADSL, ADRS and ADTTE rows of `participants` at `cutoff`, ordered by participant ID."""
    participants = sorted((p for p in participants if p.enrolled(cutoff)), key=lambda p: p.participant_id)
    results = calc.compute_all(participants, cutoff)
    derived = {d["participant_id"]: d for d in results["participants"]}
    errors = {e["participant_id"]: e["error"] for e in results["errors"]}
    adsl = [
        _adsl_row(p, site_of[p.participant_id], derived.get(p.participant_id), errors.get(p.participant_id), cutoff)
        for p in participants
    ]
    adrs = [
        row
        for p in participants
        if p.participant_id in derived
        for row in _adrs_rows(
            derived[p.participant_id],
            site_of[p.participant_id],
            calc.participant_primary_status(p, "BY_EOC2", False, cutoff)[1],
        )
    ]
    adtte = [
        _adtte_row(row, site_of[row["USUBJID"]])
        for paramcd in PARAMS
        for row in sorted(results["adtte"].get(paramcd, []), key=lambda r: r["USUBJID"])
    ]
    adae = [row for p in participants for row in _adae_rows(p, site_of[p.participant_id], cutoff)]
    return AnalysisDatasets(adsl=adsl, adrs=adrs, adtte=adtte, calc_version=results["calc_version"], adae=adae)

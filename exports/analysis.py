"""Analysis datasets of a snapshot, derived by the endpoint engine for the snapshot's data cut-off.

ADaM-like names: adsl.csv (one row per participant), adrs.csv (one row per treated participant per
timepoint), adtte.csv (OS and EFS, and their HSCT-censored sensitivity variants, one row per treated
participant per parameter). The rows come from `endpoints.calculations.compute_all`; nothing is
re-derived here, so the files agree with the endpoint dashboard for the same cut-off.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from assessments.rules import MRD_NE, MRD_NEG, MRD_POS, RESPONSES
from endpoints import calculations as calc
from endpoints.calculations import ParticipantData
from integrity.cells import CODE, DATE, FLOAT, INTEGER, TEXT, Column

YES, NO = "Y", "N"
YES_NO = f"{YES}=Yes; {NO}=No"
RESPONSE_CODES = "; ".join(RESPONSES)
MRD_CODES = f"{MRD_NEG}=negative (< protocol cut-off); {MRD_POS}=positive; {MRD_NE}=not evaluable"
PRIMARY_CODES = f"{calc.RESPONDER}; {calc.NON_RESPONDER}; {calc.NOT_EVALUABLE}"
TIMEPOINT_CODES = "EOC1=end of cycle 1; EOC2=end of cycle 2; BY_EOC2=best of EOC1 and EOC2"
PARAMS = {
    calc.PARAM_OS: "Overall survival (days)",
    calc.PARAM_EFS: "Event-free survival (days)",
    calc.PARAM_OS_HSCT: "Overall survival, censored at allogeneic HSCT (sensitivity) (days)",
    calc.PARAM_EFS_HSCT: "Event-free survival, censored at allogeneic HSCT (sensitivity) (days)",
}

_ID = Column("USUBJID", TEXT, "Participant ID")
_SITE = Column("SITEID", TEXT, "Site code")


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
    Column("TRTFL", CODE, "Treated (any dose on or before the cut-off)", allowed_values=YES_NO),
    Column("TRTSDT", DATE, "First dose of study treatment (C1D1, day 1)"),
    *_eoc_columns("EOC1"),
    *_eoc_columns("EOC2"),
    Column("BESTRSP", CODE, "Best response by EOC2", allowed_values=RESPONSE_CODES),
    Column("CRCRIFL", CODE, "CR/CRi (CR, CRh or CRi) by EOC2", allowed_values=YES_NO),
    Column("PRIMFL", CODE, "MRD-negative CR (primary responder) by EOC2", allowed_values=YES_NO),
    Column("HSCTDT", DATE, "Allogeneic HSCT date (on or before the cut-off)"),
    Column("DTHDT", DATE, "Death date (on or before the cut-off)"),
    Column("DERIVERR", TEXT, "Derivation error (the participant's data could not be derived)"),
)

ADRS_COLUMNS = (
    _ID,
    _SITE,
    Column("AVISIT", CODE, "Timepoint", allowed_values=TIMEPOINT_CODES),
    Column("ADT", DATE, "Marrow date (empty for BY_EOC2)"),
    Column("AVALC", CODE, "Response", allowed_values=RESPONSE_CODES),
    Column("MRDFLOW", CODE, "Flow MRD class (protocol cut-off)", allowed_values=MRD_CODES),
    Column("PRIMSTAT", CODE, "Primary endpoint status", allowed_values=PRIMARY_CODES),
    Column("PRIMFL", CODE, "MRD-negative CR (primary responder)", allowed_values=YES_NO),
    Column("CRCRIFL", CODE, "CR/CRi (CR, CRh or CRi)", allowed_values=YES_NO),
    Column("NERSN", TEXT, "Why not evaluable"),
)

ADTTE_COLUMNS = (
    _ID,
    _SITE,
    Column("PARAMCD", CODE, "Parameter code", allowed_values="; ".join(f"{k}={v}" for k, v in PARAMS.items())),
    Column("PARAM", TEXT, "Parameter"),
    Column("STARTDT", DATE, "Time origin (C1D1, day 1)"),
    Column("ADT", DATE, "Date of event or censoring"),
    Column("AVAL", INTEGER, "Time to event or censoring (days, day 1 = C1D1)", unit="days"),
    Column("AVALMO", FLOAT, "Time to event or censoring (months = days / 30.4375)", unit="months"),
    Column("CNSR", INTEGER, "Censored", allowed_values="0=event; 1=censored", minimum="0", maximum="1"),
    Column("EVNTDESC", TEXT, "Event description (CNSR = 0)"),
    Column("CNSDTDSC", TEXT, "Censoring date description (CNSR = 1)"),
)


@dataclass(frozen=True)
class AnalysisDatasets:
    adsl: list[tuple]
    adrs: list[tuple]
    adtte: list[tuple]
    calc_version: str


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
    )


def _adtte_row(row: dict, site: str) -> tuple:
    event = row["CNSR"] == 0
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
        desc if event else None,
        None if event else desc,
    )


def analysis_datasets(participants: list[ParticipantData], site_of: dict[str, str], cutoff: date) -> AnalysisDatasets:
    """ADSL, ADRS and ADTTE rows of `participants` at `cutoff`, ordered by participant ID."""
    participants = sorted(participants, key=lambda p: p.participant_id)
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
    return AnalysisDatasets(adsl=adsl, adrs=adrs, adtte=adtte, calc_version=results["calc_version"])

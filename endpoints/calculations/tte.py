"""Time-to-event rows: OS and EFS ADTTE derivation (DOMAIN 5.5, Project decision 7)."""

from __future__ import annotations

from datetime import date

from assessments.rules import (
    NE,
    RELAPSE,
    first_remission_date,
    is_remission,
    last_adequate_disease_assessment,
    last_known_alive_date,
    relapse_date,
)
from endpoints.calculations.common import (
    DESC_CAP_TEMPLATE,
    DESC_DATA_CUTOFF,
    DESC_DEATH,
    DESC_DEATH_NO_RESPONSE_DAY1,
    DESC_FAILURE_DAY1,
    DESC_HSCT,
    DESC_LAST_ALIVE,
    DESC_LAST_ASSESSMENT,
    DESC_NOT_EVALUABLE_DAY1,
    DESC_RELAPSE,
    LANDMARKS,
    PARAM_EFS,
    PARAM_EFS_HSCT,
    PARAM_OS,
    PARAM_OS_HSCT,
    TIMEPOINTS,
    AdtteRow,
    Landmarks,
    ParticipantData,
    add_years,
    days_to_months,
    eoc_at,
)

# --------------------------------------------------------------------------- ADTTE (OS / EFS)


def _alive_dates(p: ParticipantData) -> list[date]:
    dates = list(p.dates_alive)
    dates += [d for d in (p.c1d1, p.hsct_date) if d is not None]
    dates += [a.marrow_date for a in (p.eoc1, p.eoc2) if a is not None and a.marrow_date is not None]
    dates += list(p.assessment_dates) + list(p.relapse_dates)
    if p.death_date is not None:
        dates = [d for d in dates if d <= p.death_date]
    return dates


def _make_row(
    p: ParticipantData,
    paramcd: str,
    adt: date,
    cnsr: int,
    desc: str,
    cutoff: date,
    cap_years: int | None,
    censor_at_hsct: bool,
) -> AdtteRow:
    start = p.c1d1
    assert start is not None
    if censor_at_hsct and p.hsct_date is not None and p.hsct_date <= cutoff and start <= p.hsct_date < adt:
        adt, cnsr, desc = p.hsct_date, 1, DESC_HSCT
    if cap_years is not None:
        cap = add_years(start, cap_years)
        if adt > cap:
            adt, cnsr, desc = cap, 1, DESC_CAP_TEMPLATE.format(years=cap_years)
    if adt < start:
        raise ValueError(f"{p.participant_id}: {paramcd} date {adt} is before C1D1 {start}")
    days = (adt - start).days + 1
    return AdtteRow(
        USUBJID=p.participant_id,
        PARAMCD=paramcd,
        STARTDT=start,
        ADT=adt,
        AVAL_DAYS=days,
        AVAL_MONTHS=days_to_months(days),
        CNSR=cnsr,
        EVNTDESC_or_CNSDTDSC=desc,
    )


def derive_os(
    p: ParticipantData, cutoff: date, cap_years: int | None = 5, censor_at_hsct: bool = False
) -> AdtteRow | None:
    """OS ADTTE row (DOMAIN 5.5 OS): death <= cut-off is the event, else censored at LSTALVDT/DCUTDT."""
    if not p.treated(cutoff):
        return None
    if p.death_date is not None and p.death_date <= cutoff:
        adt, cnsr, desc = p.death_date, 0, DESC_DEATH
    elif p.death_date is not None:  # death after the cut-off: alive at the cut-off
        adt, cnsr, desc = cutoff, 1, DESC_DATA_CUTOFF
    else:
        last_alive = last_known_alive_date(_alive_dates(p), cutoff)
        assert last_alive is not None  # C1D1 is always a date known alive
        adt, cnsr = last_alive, 1
        desc = DESC_DATA_CUTOFF if last_alive == cutoff else DESC_LAST_ALIVE
    paramcd = PARAM_OS_HSCT if censor_at_hsct else PARAM_OS
    return _make_row(p, paramcd, adt, cnsr, desc, cutoff, cap_years, censor_at_hsct)


def derive_efs(
    p: ParticipantData,
    cutoff: date,
    cap_years: int | None = 5,
    censor_at_hsct: bool = False,
    landmarks: Landmarks = LANDMARKS,
) -> AdtteRow | None:
    """EFS ADTTE row, DOMAIN 5.5 rules 1-5 (ELN-2022 day-1 convention, cut-off, cap, HSCT sensitivity).

    Rule 2 (death without any response assessment -> event at day 1) applies only to a death on or before
    the EOC2 landmark (Project decision 10); a later death of a participant never evaluable falls under rule 3
    (censored at day 1)."""
    if not p.treated(cutoff):
        return None
    start = p.c1d1
    assert start is not None
    assessments = [a for a in (eoc_at(p, tp, cutoff) for tp in TIMEPOINTS) if a is not None]
    responses = [a.response for a in assessments]
    death = p.death_date if p.death_date is not None and p.death_date <= cutoff else None

    if any(is_remission(r) for r in responses):  # rule 4
        remission = first_remission_date([(a.marrow_date, a.response) for a in assessments])
        candidates = list(p.relapse_dates) + [
            a.marrow_date for a in assessments if a.response == RELAPSE and a.marrow_date is not None
        ]
        relapse = relapse_date(candidates, cutoff, remission)
        if relapse is not None and (death is None or relapse <= death):
            adt, cnsr, desc = relapse, 0, DESC_RELAPSE
        elif death is not None:
            adt, cnsr, desc = death, 0, DESC_DEATH
        else:
            evaluable_marrows = [a.marrow_date for a in assessments if a.marrow_date is not None and a.response != NE]
            last = last_adequate_disease_assessment([*p.assessment_dates, *evaluable_marrows], cutoff)
            adt, cnsr, desc = (last or start), 1, DESC_LAST_ASSESSMENT
    elif any(r is not None and r != NE for r in responses):  # rule 1: evaluable, never in remission
        adt, cnsr, desc = start, 0, DESC_FAILURE_DAY1
    elif death is not None and death <= landmarks.date(start, "EOC2"):  # rule 2
        adt, cnsr, desc = start, 0, DESC_DEATH_NO_RESPONSE_DAY1
    else:  # rule 3
        adt, cnsr, desc = start, 1, DESC_NOT_EVALUABLE_DAY1
    paramcd = PARAM_EFS_HSCT if censor_at_hsct else PARAM_EFS
    return _make_row(p, paramcd, adt, cnsr, desc, cutoff, cap_years, censor_at_hsct)

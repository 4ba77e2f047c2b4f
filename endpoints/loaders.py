"""The only place where the ORM meets the endpoint calculations: database rows -> plain data."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from endpoints.calculations import EocAssessment, ParticipantData


@dataclass
class Cohort:
    participants: list[ParticipantData]
    site_of: dict[str, str]  # participant_id -> site code
    consort: dict = field(default_factory=dict)
    consort_by_site: dict[str, dict] = field(default_factory=dict)
    target_enrollment: int | None = None

    def by_site(self) -> dict[str, list[ParticipantData]]:
        groups: dict[str, list[ParticipantData]] = defaultdict(list)
        for p in self.participants:
            groups[self.site_of[p.participant_id]].append(p)
        return dict(groups)


def _eoc(m) -> EocAssessment:
    """assessments.derived.MarrowDerived -> the engine's EocAssessment, numeric MRD included (for the plot)."""
    flow, ngs = m.flow, m.ngs
    return EocAssessment(
        marrow_date=m.marrow_date,
        response=m.derived_response,
        flow_class=m.flow_class,
        ne_reason=m.ne_reason,
        mrd_ne_reason=m.flow_ne_reason,
        flow_value_pct=_float(flow.value_pct) if flow else None,
        flow_lod_pct=_float(flow.lod_pct) if flow else None,
        ngs_value=_float(ngs.fraction) if ngs else None,
        ngs_lod=_float(ngs.lod_fraction) if ngs else None,
        ngs_class=m.ngs_class,
    )


def _death_date(a) -> date | None:
    """Earliest recorded death, also after the cut-off: the engine censors OS at the cut-off then (a death
    the data show happened later means alive at the cut-off), which derived.death_date (cut) cannot tell."""
    if a is None:
        return None
    from assessments.models import VitalStatus

    deaths = [c.death_date for c in a.contacts if c.vital_status == VitalStatus.DEAD and c.death_date]
    return min(deaths) if deaths else a.death_date


def _float(value) -> float | None:
    return None if value is None else float(value)


def load_cohort(cutoff: date) -> Cohort:
    """Every live participant as ParticipantData, in a bounded number of queries (independent of the number
    of participants: 17 + 4 per site).

    C1D1, cycle day-1 dates and HSCT from cycles.services.treatment_dates (4 queries); EOC responses,
    MRD, relapse, death, dates alive and adequate assessments from assessments.derived (7 queries);
    HSCT also from follow-up contacts (the earliest date of either source); CONSORT funnel pooled and per
    site from enrollment.consort.consort_counts (4 queries each), "treated" = C1D1 on/before the cut-off.
    """
    from assessments.derived import derive_for_participants
    from cycles.services import treatment_dates
    from enrollment.consort import consort_counts
    from enrollment.models import Participant, StudySettings
    from enrollment.protocol import ENROLLMENT_PROTOCOL

    rows = list(
        Participant.objects.live()
        .values_list("pk", "participant_id", "site__code", "site_id")
        .order_by("participant_id")
    )
    pks = [row[0] for row in rows]
    treatment = treatment_dates(pks)
    derived = derive_for_participants(pks, cutoff)
    participants = []
    for pk, pid, _, _ in rows:
        t, a = treatment[pk], derived.get(pk)
        hsct_dates = [d for d in (t.hsct, *(a.transplant_dates if a else ())) if d is not None]
        participants.append(
            ParticipantData(
                participant_id=pid,
                c1d1=t.c1d1,
                eoc1=_eoc(a.eoc1) if a and a.eoc1 else None,
                eoc2=_eoc(a.eoc2) if a and a.eoc2 else None,
                death_date=_death_date(a),
                relapse_dates=a.relapse_dates if a else (),
                dates_alive=[*(a.dates_alive if a else ()), *t.cycle_day1.values()],
                assessment_dates=a.assessment_dates if a else (),
                hsct_date=min(hsct_dates) if hsct_dates else None,
                cycle_starts=[t.cycle_day1[n] for n in sorted(t.cycle_day1)],
            )
        )
    site_of = {pid: code for _, pid, code, _ in rows}
    treated_pks = [row[0] for row, p in zip(rows, participants, strict=True) if p.treated(cutoff)]
    consort = consort_counts(None, treated_pks)
    site_pks = sorted({(code, site_pk) for _, _, code, site_pk in rows})
    consort_by_site = {code: consort_counts([site_pk], treated_pks) for code, site_pk in site_pks}
    target = StudySettings.objects.filter(pk=1).values_list("target_enrollment", flat=True).first()
    return Cohort(
        participants=participants,
        site_of=site_of,
        consort=consort,
        consort_by_site=consort_by_site,
        target_enrollment=target or ENROLLMENT_PROTOCOL.target_enrollment,
    )

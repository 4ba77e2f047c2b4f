"""The only place where the ORM meets the endpoint calculations: database rows -> plain data."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from assessments.derived import derive_for_participants
from assessments.models import VitalStatus
from cycles.services import treatment_dates
from endpoints.calculations import EocAssessment, ParticipantData
from enrollment.consort import screening_funnel_by_site
from enrollment.models import Participant, StudySettings
from enrollment.protocol import ENROLLMENT_PROTOCOL


@dataclass
class Cohort:
    participants: list[ParticipantData]
    site_of: dict[str, str]  # participant_id -> site code
    pk_of: dict[str, int] = field(default_factory=dict)  # participant_id -> enrollment.Participant pk

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
    deaths = [c.death_date for c in a.contacts if c.vital_status == VitalStatus.DEAD and c.death_date]
    return min(deaths) if deaths else a.death_date


def _float(value) -> float | None:
    return None if value is None else float(value)


def load_cohort(cutoff: date, participant_pks: list[int] | None = None) -> Cohort:
    """Every live participant (or the live ones of `participant_pks`) as ParticipantData, in a bounded
    number of queries whatever their number (12).

    C1D1, cycle day-1 dates and HSCT from cycles.services.treatment_dates (4 queries); EOC responses,
    MRD, relapse, death, dates alive and adequate assessments from assessments.derived (7 queries);
    HSCT also from follow-up contacts (the earliest date of either source). For the whole trial the
    participants are selected in SQL (a subquery), never sent back to the database as a list of ids.
    """
    live = Participant.objects.live()
    if participant_pks is not None:
        live = live.filter(pk__in=participant_pks)
    rows = list(live.values_list("pk", "participant_id", "site__code").order_by("participant_id"))
    pks = [row[0] for row in rows]
    in_sql = live.values("pk") if participant_pks is None else None
    treatment = treatment_dates(pks, among=in_sql)
    derived = derive_for_participants(pks, cutoff, among=in_sql)
    participants = []
    for pk, pid, _ in rows:
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
    return Cohort(
        participants=participants,
        site_of={pid: code for _, pid, code in rows},
        pk_of={pid: pk for pk, pid, _ in rows},
    )


def load_funnel() -> dict[str, dict[str, int]]:
    """Site code -> the top of its CONSORT funnel (screened, eligible, consented), 2 queries; enrolled and
    treated come from the participants' results."""
    return screening_funnel_by_site()


def target_enrollment() -> int:
    target = StudySettings.objects.filter(pk=1).values_list("target_enrollment", flat=True).first()
    return target or ENROLLMENT_PROTOCOL.target_enrollment

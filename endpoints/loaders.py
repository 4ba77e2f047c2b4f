"""The only place where the ORM meets the endpoint calculations: database rows -> plain data."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from assessments.derived import derive_for_participants
from assessments.models import VitalStatus
from cycles.services import treatment_dates
from endpoints.calculations import ParticipantData
from enrollment.alive import source_labels
from enrollment.consort import screening_funnel_by_site
from enrollment.models import Participant, StudySettings
from enrollment.protocol import ENROLLMENT_PROTOCOL
from safety.derived import safety_facts_for_participants


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


def _death_date(a) -> date | None:
    """Earliest recorded death, also after the cut-off: the engine censors OS at the cut-off then (a death
    the data show happened later means alive at the cut-off), which derived.death_date (cut) cannot tell."""
    if a is None:
        return None
    deaths = [c.death_date for c in a.contacts if c.vital_status == VitalStatus.DEAD and c.death_date]
    return min(deaths) if deaths else a.death_date


def load_cohort(cutoff: date, participant_pks: list[int] | None = None) -> Cohort:
    """Every live participant (or the live ones of `participant_pks`) as ParticipantData, in a bounded
    number of queries whatever their number (18).

    C1D1, cycle day-1 dates and HSCT from cycles.services.treatment_dates (4 queries); EOC responses,
    MRD, relapse, death, adequate assessments and the last date known alive (enrollment.alive, the one
    definition of the records that prove it) from assessments.derived (8 queries);
    HSCT also from follow-up contacts (the earliest date of either source); adverse events and CRS/ICANS
    from safety.derived.safety_facts_for_participants (5 queries). For the whole trial the
    participants are selected in SQL (a subquery), never sent back to the database as a list of ids.
    """
    live = Participant.objects.live()
    if participant_pks is not None:
        live = live.filter(pk__in=participant_pks)
    rows = list(live.values_list("pk", "participant_id", "site__code", "enrolled_on").order_by("participant_id"))
    pks = [row[0] for row in rows]
    in_sql = live.values("pk") if participant_pks is None else None
    treatment = treatment_dates(pks, among=in_sql)
    derived = derive_for_participants(pks, cutoff, among=in_sql)
    safety = safety_facts_for_participants({row[0]: row[1] for row in rows}, among=in_sql)
    participants = []
    for pk, pid, _, enrolled_on in rows:
        t, a = treatment[pk], derived.get(pk)
        hsct_dates = [d for d in (t.hsct, *(a.transplant_dates if a else ())) if d is not None]
        participants.append(
            ParticipantData(
                participant_id=pid,
                c1d1=t.c1d1,
                eoc1=a.eoc1.to_eoc_assessment() if a and a.eoc1 else None,
                eoc2=a.eoc2.to_eoc_assessment() if a and a.eoc2 else None,
                death_date=_death_date(a),
                relapse_dates=a.relapse_dates if a else (),
                dates_alive=a.dates_alive if a else (),  # enrollment.alive: every record that proves it
                assessment_dates=a.assessment_dates if a else (),
                hsct_date=min(hsct_dates) if hsct_dates else None,
                cycle_starts=[t.cycle_day1[n] for n in sorted(t.cycle_day1)],
                enrolled_on=enrolled_on,
                safety=safety[pk],
            )
        )
    return Cohort(
        participants=participants,
        site_of={pid: code for _, pid, code, _ in rows},
        pk_of={pid: pk for pk, pid, _, _ in rows},
    )


def load_funnel() -> dict[str, dict[str, int]]:
    """Site code -> the top of its CONSORT funnel (screened, eligible, consented), 2 queries; enrolled and
    treated come from the participants' results."""
    return screening_funnel_by_site()


def target_enrollment() -> int:
    target = StudySettings.objects.filter(pk=1).values_list("target_enrollment", flat=True).first()
    return target or ENROLLMENT_PROTOCOL.target_enrollment


def alive_sources() -> tuple[str, ...]:
    """The names of the records that prove a participant alive (enrollment.alive), for the conventions text."""
    return source_labels()

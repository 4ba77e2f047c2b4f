"""ORM -> safety rules bridge: what the casebook, the AE pages and the edit checks show beside what was typed.

``derive_for_participant`` loads a participant's safety records in one query per model (a fixed number,
whatever the number of records) and returns plain dataclasses: every AE with its study day, cycle of onset,
treatment-emergent flag, AESI groups and, for CRS/ICANS, the worst computed ASTCT grade of its sheets beside
the investigator's grade; the chemistry and blood counts with their CTCAE grades; Cairo-Bishop TLS around
each cycle's day 1; the concomitant medications.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from assessments.derived import participant_blood_counts
from assessments.models import BloodCount
from cycles.models import Administration, BlinatumomabSegment, Cycle
from cycles.services import GIVEN_STATUSES, participant_treatment
from safety import labgrades, rules, services, tls
from safety.calculations import AeFact, CrsIcansEvent, ParticipantSafetyFacts
from safety.models import (
    CHEMISTRY_ANALYTES,
    STUDY_DRUGS,
    AdverseEvent,
    ChemistryPanel,
    ConcomitantMedication,
    CrsAssessment,
    GradingScale,
    IcansAssessment,
)
from safety.notifications import due_at, format_duration
from safety.protocol import SAFETY_PROTOCOL, SafetyProtocol

CBC_ANALYTES = {
    "anc_e9_per_l": ("ANC", pgettext_lazy("unit", "x10^9/L")),
    "platelets_e9_per_l": (_("Platelets"), pgettext_lazy("unit", "x10^9/L")),
    "hb_g_per_l": (_("Haemoglobin"), "g/L"),
    "wbc_e9_per_l": ("WBC", pgettext_lazy("unit", "x10^9/L")),
}
TLS_FIELDS = {
    "uric_acid_umol_per_l": tls.URIC_ACID,
    "potassium_mmol_per_l": tls.POTASSIUM,
    "phosphate_mmol_per_l": tls.PHOSPHATE,
    "calcium_mmol_per_l": tls.CALCIUM,
    "creatinine_umol_per_l": tls.CREATININE,
}


# --- The SAE clock -------------------------------------------------------------------------------------------

REPORTED, REPORTED_LATE, DUE, OVERDUE, NO_AWARENESS = "reported", "reported late", "due", "overdue", "no awareness time"
CLOCK_ORDER = {OVERDUE: 0, NO_AWARENESS: 1, DUE: 2, REPORTED_LATE: 3, REPORTED: 4}


@dataclass(frozen=True)
class SaeClock:
    status: str
    due_at: datetime | None
    reported_at: datetime | None
    late_by: timedelta | None = None  # overdue now, or reported after the clock ran out
    due_in: timedelta | None = None

    @property
    def late_by_text(self) -> str:
        return format_duration(self.late_by) if self.late_by is not None else ""

    @property
    def due_in_text(self) -> str:
        return format_duration(self.due_in) if self.due_in is not None else ""


def sae_clock(ae: AdverseEvent, now: datetime) -> SaeClock | None:
    """The 24-hour reporting clock of a serious AE from the site's awareness (None: not serious)."""
    if not ae.serious:
        return None
    due, reported = due_at(ae.aware_at), ae.sae_initial_report_at
    if due is None:
        return SaeClock(NO_AWARENESS, None, reported)
    if reported is not None:
        return (
            SaeClock(REPORTED_LATE, due, reported, late_by=reported - due)
            if reported > due
            else SaeClock(REPORTED, due, reported)
        )
    if now > due:
        return SaeClock(OVERDUE, due, None, late_by=now - due)
    return SaeClock(DUE, due, None, due_in=due - now)


@dataclass(frozen=True)
class SheetRow:
    id: int
    at: datetime
    grade: int
    summary: str
    ice_score: int | None = None


@dataclass
class AeRow:
    ae: AdverseEvent
    study_day: int | None
    cycle: int | None
    treatment_emergent: bool
    aesi: tuple[str, ...]  # group labels
    crs: list[SheetRow] = field(default_factory=list)
    icans: list[SheetRow] = field(default_factory=list)
    clock: SaeClock | None = None  # the reporting clock of a serious AE

    @property
    def computed_grade(self) -> int | None:
        """The worst ASTCT grade computed from the AE's CRS and ICANS sheets (None: no sheet)."""
        grades = [s.grade for s in (*self.crs, *self.icans)]
        return max(grades) if grades else None

    @property
    def disagreement(self) -> bool:
        """An ASTCT-graded AE whose investigator grade differs from the grade computed from its sheets."""
        graded = self.ae.grading_scale == GradingScale.ASTCT_2019
        return graded and self.computed_grade is not None and self.computed_grade != self.ae.worst_grade


@dataclass(frozen=True)
class LabCell:
    label: str
    value: float | None
    unit: str
    grades: tuple[tuple[str, int], ...]  # (CTCAE term, grade) of each graded term with grade >= 1
    outside_range: bool


@dataclass(frozen=True)
class LabRow:
    id: int
    kind: str  # "chemistry" | "blood count"
    sample_date: date
    cells: tuple[LabCell, ...]

    @property
    def worst_grade(self) -> int:
        return max((g for c in self.cells for _, g in c.grades), default=0)


@dataclass(frozen=True)
class TlsRow:
    cycle: int
    day1: date
    result: tls.TlsResult
    values_in_window: int
    flagged_cycle: bool  # a cycle the protocol watches for TLS (cycle 2: venetoclax)

    @property
    def label(self) -> str:
        if self.result.clinical:
            return gettext("Clinical TLS")
        if self.result.laboratory:
            return gettext("Laboratory TLS")
        return gettext("No TLS") if self.values_in_window else gettext("Not assessable (no chemistry in the window)")


@dataclass
class ParticipantSafety:
    c1d1: date | None
    last_dose: date | None
    aes: list[AeRow]
    labs: list[LabRow]
    tls: list[TlsRow]
    medications: list[ConcomitantMedication]

    @property
    def disagreements(self) -> list[AeRow]:
        return [row for row in self.aes if row.disagreement]


def dose_dates(participant_ids) -> dict[int, tuple[date, date | None]]:
    """(first, last) day any protocol drug was given, a discrete dose or a blinatumomab infusion, per participant
    (two queries). The first is C1D1 as cycles.services.first_dose_dates defines it; a running infusion means
    treatment has not ended (last None). `participant_ids`: a list or a queryset of pks."""
    first: dict[int, date] = {}
    last: dict[int, date] = {}
    doses = (
        Administration.objects.live()
        .filter(cycle__participant_id__in=participant_ids, cycle__is_deleted=False, status__in=GIVEN_STATUSES)
        .values("cycle__participant_id")
        .annotate(first=Min("given_on"), last=Max("given_on"))
    )
    for row in doses:
        first[row["cycle__participant_id"]] = row["first"]
        last[row["cycle__participant_id"]] = row["last"]
    running = set()
    segments = BlinatumomabSegment.objects.live().filter(
        cycle__participant_id__in=participant_ids, cycle__is_deleted=False
    )
    for pid, started, stopped in segments.values_list("cycle__participant_id", "started_at", "stopped_at"):
        start_day = timezone.localtime(started).date()
        first[pid] = min(start_day, first.get(pid, start_day))
        if stopped is None:
            running.add(pid)
            continue
        day = timezone.localtime(max(started, stopped)).date()
        last[pid] = max(day, last.get(pid, day))
    return {pid: (day, None if pid in running else last.get(pid)) for pid, day in first.items()}


def treatment_span(
    given_on: list[date | None], segments: list[tuple[datetime, datetime | None]]
) -> tuple[date | None, date | None]:
    """(first, last) treatment day of one participant from the given doses' dates and the blinatumomab
    segments' (start, stop), as ``dose_dates`` computes them in SQL: (None, None) untreated, last None while an
    infusion runs."""
    days = [d for d in given_on if d is not None]
    first, last = (min(days), max(days)) if days else (None, None)
    running = False
    for started, stopped in segments:
        start_day = timezone.localtime(started).date()
        first = start_day if first is None else min(first, start_day)
        if stopped is None:
            running = True
            continue
        day = timezone.localtime(max(started, stopped)).date()
        last = day if last is None else max(last, day)
    if first is None:
        return None, None
    return first, None if running else last


def _sheet_rows(
    ae_ids: list[int], icans_sheets: list[IcansAssessment]
) -> tuple[dict[int, list[SheetRow]], dict[int, list[SheetRow]]]:
    """The CRS sheets of these AEs (one query) and their ICANS sheets among `icans_sheets` (already read,
    ordered by assessment time)."""
    crs: dict[int, list[SheetRow]] = {pk: [] for pk in ae_ids}
    icans: dict[int, list[SheetRow]] = {pk: [] for pk in ae_ids}
    for a in CrsAssessment.objects.live().filter(adverse_event_id__in=ae_ids).order_by("assessed_at", "id"):
        crs[a.adverse_event_id].append(SheetRow(a.pk, a.assessed_at, services.crs_grade(a), crs_summary(a)))
    for a in (a for a in icans_sheets if a.adverse_event_id in icans):
        score = None if a.unable_to_perform_ice else services.ice_score_of(a)
        icans[a.adverse_event_id].append(
            SheetRow(a.pk, a.assessed_at, services.icans_grade(a), icans_summary(a, score), score)
        )
    return crs, icans


def crs_summary(a: CrsAssessment) -> str:
    parts = [gettext("%(temp)s °C") % {"temp": a.max_temp_c} if a.max_temp_c is not None else gettext("no temperature")]
    if a.fever_masked:
        parts.append(gettext("fever masked"))
    if a.hypotension:
        pressors = a.vasopressors_excl_vasopressin + (1 if a.vasopressin and not a.vasopressors_excl_vasopressin else 0)
        parts.append(
            ngettext("hypotension, %(n)s vasopressor", "hypotension, %(n)s vasopressors", pressors) % {"n": pressors}
            if pressors
            else gettext("hypotension")
        )
    if a.o2_device != "none":
        flow = f" {a.o2_flow_l_min} L/min" if a.o2_flow_l_min is not None else ""
        parts.append(f"{a.get_o2_device_display().lower()}{flow}")
    if a.died_of_crs:
        parts.append(gettext("died of CRS"))
    return ", ".join(parts)


def icans_summary(a: IcansAssessment, score: int | None) -> str:
    parts = [
        gettext("ICE not possible (unarousable)")
        if a.unable_to_perform_ice
        else (f"ICE {score}/10" if score is not None else gettext("ICE not done"))
    ]
    if a.consciousness != "alert":
        parts.append(re.split("[,，]", str(a.get_consciousness_display()))[0].lower())
    if a.seizure != "none":
        parts.append(gettext("seizure"))
    if a.deep_focal_motor_weakness:
        parts.append(gettext("focal motor weakness"))
    if a.icp != "none":
        parts.append(gettext("cerebral oedema"))
    if a.died_of_icans:
        parts.append(gettext("died of ICANS"))
    return ", ".join(parts)


def _cell(name: str, label: str, unit: str, value, protocol: SafetyProtocol) -> LabCell:
    if value is None:
        return LabCell(label, None, unit, (), False)
    value = float(value)
    normal = protocol.normal_ranges.get(name)
    lln, uln = (normal.lln, normal.uln) if normal else (None, None)
    grades = []
    for code in protocol.lab_graded_fields.get(name, ()):
        grade = labgrades.lab_grade(code, value, lln=lln, uln=uln)
        if grade:
            grades.append((labgrades.LAB_TERMS[code].term, grade))
    outside = (lln is not None and value < lln) or (uln is not None and value > uln)
    return LabCell(label, value, unit, tuple(grades), outside)


def lab_rows(chemistry: list[ChemistryPanel], cbcs: list[BloodCount], protocol: SafetyProtocol) -> list[LabRow]:
    rows = [
        LabRow(
            p.pk,
            "chemistry",
            p.sample_date,
            tuple(
                _cell(name, label, unit, getattr(p, name), protocol)
                for name, (label, unit, _) in CHEMISTRY_ANALYTES.items()
            ),
        )
        for p in chemistry
    ]
    rows += [
        LabRow(
            c.pk,
            "blood count",
            c.sample_date,
            tuple(_cell(name, label, unit, getattr(c, name), protocol) for name, (label, unit) in CBC_ANALYTES.items()),
        )
        for c in cbcs
    ]
    return sorted(rows, key=lambda r: (r.sample_date, r.kind, r.id))


def tls_rows(
    cycles: list[tuple[int, date]],
    chemistry: list[ChemistryPanel],
    aes: list[AdverseEvent],
    seizure_days: list[date],
    protocol: SafetyProtocol,
) -> list[TlsRow]:
    """Cairo-Bishop around each cycle's day 1 (safety.tls), with arrhythmia and seizure from the AEs and the
    ICANS sheets whose date falls in the window."""
    values = [
        tls.TlsLabValue(analyte, p.sample_date, float(getattr(p, name)))
        for p in chemistry
        for name, analyte in TLS_FIELDS.items()
        if getattr(p, name) is not None
    ]
    uln = protocol.normal_ranges["creatinine_umol_per_l"].uln
    before, after = protocol.tls_window_before_days, protocol.tls_window_after_days
    out = []
    for number, day1 in sorted(cycles):
        first, last = day1 - timedelta(days=before), day1 + timedelta(days=after)
        in_window = [ae for ae in aes if first <= ae.onset_date <= last]
        result = tls.tls_assessment(
            day1,
            values,
            creatinine_uln=uln,
            window_before=before,
            window_after=after,
            arrhythmia=any(ae.term.code in protocol.arrhythmia_terms for ae in in_window),
            seizure=any(ae.term.code in protocol.seizure_terms for ae in in_window)
            or any(first <= d <= last for d in seizure_days),
        )
        count = sum(1 for v in values if first <= v.day <= last)
        out.append(TlsRow(number, day1, result, count, number in protocol.tls_flag_cycles))
    return out


def derive_for_participant(
    participant, protocol: SafetyProtocol = SAFETY_PROTOCOL, now: datetime | None = None
) -> ParticipantSafety:
    """Everything the safety section shows for one participant (a fixed number of queries)."""
    pid, now = participant.pk, now or timezone.now()
    aes = list(AdverseEvent.objects.live().filter(participant_id=pid).select_related("term", "participant"))
    # every live ICANS sheet of the participant, once: the AEs' sheets and the seizure days (of any AE) for TLS
    icans_sheets = list(
        IcansAssessment.objects.live().filter(adverse_event__participant_id=pid).order_by("assessed_at", "id")
    )
    crs, icans = _sheet_rows([ae.pk for ae in aes], icans_sheets)
    treatment = participant_treatment(pid)  # the casebook's treatment section reads the same rows
    c1d1, last = treatment_span(
        [a.given_on for a in treatment.administrations if a.status in GIVEN_STATUSES],
        [(s.started_at, s.stopped_at) for segments in treatment.segments.values() for s in segments],
    )
    cycles = [(c.number, c.day1_on) for c in treatment.cycles]
    rows = []
    for ae in sorted(aes, key=lambda a: (a.onset_date, a.pk)):
        groups = rules.aesi_groups(ae.term.code, ae.term.soc)
        rows.append(
            AeRow(
                ae=ae,
                study_day=rules.study_day(ae.onset_date, c1d1),
                cycle=rules.cycle_of(ae.onset_date, cycles),
                treatment_emergent=rules.treatment_emergent(ae.onset_date, c1d1, last, protocol.teae_window_days),
                aesi=tuple(gettext(rules.AESI_LABELS[g]) if g in rules.AESI_LABELS else g for g in groups),
                crs=crs[ae.pk],
                icans=icans[ae.pk],
                clock=sae_clock(ae, now),
            )
        )
    chemistry = list(ChemistryPanel.objects.live().filter(participant_id=pid).order_by("sample_date", "id"))
    cbcs = participant_blood_counts(pid)  # the casebook's assessments section reads the same rows
    seizure_days = [timezone.localtime(a.assessed_at).date() for a in icans_sheets if a.seizure != "none"]
    medications = list(
        ConcomitantMedication.objects.live()
        .filter(participant_id=pid)
        .select_related("adverse_event__term")
        .order_by("start_date", "id")
    )
    return ParticipantSafety(
        c1d1=c1d1,
        last_dose=last,
        aes=rows,
        labs=lab_rows(chemistry, cbcs, protocol),
        tls=tls_rows(cycles, chemistry, aes, seizure_days, protocol),
        medications=medications,
    )


@dataclass(frozen=True)
class SaeRow:
    ae: AdverseEvent
    clock: SaeClock
    follow_ups: int


def sae_clocks(adverse_events, now: datetime) -> list[SaeRow]:
    """The serious AEs of a queryset with their clocks, overdue first (one query)."""
    rows = (
        adverse_events.filter(serious=True)
        .select_related("participant__site", "term")
        .annotate(n_follow_ups=Count("follow_up_reports", filter=Q(follow_up_reports__is_deleted=False)))
    )
    out = [SaeRow(ae, sae_clock(ae, now), ae.n_follow_ups) for ae in rows]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(out, key=lambda r: (CLOCK_ORDER[r.clock.status], r.clock.due_at or far, r.ae.pk))


CRS_TERM, ICANS_TERM = "cytokine_release_syndrome", "immune_effector_cell_associated_neurotoxicity_syndrome"
EVENT_KINDS = {CRS_TERM: "crs", ICANS_TERM: "icans"}


def safety_facts_for_participants(
    keys: dict[int, str], among=None, protocol: SafetyProtocol = SAFETY_PROTOCOL
) -> dict[int, ParticipantSafetyFacts]:
    """Participant pk -> the plain safety facts the endpoint recompute stores per participant (5 queries,
    whatever the number of participants): every live AE (term, SOC, worst grade, seriousness, relatedness per
    study drug, cycle of onset, treatment-emergent flag), the CRS and ICANS AEs as events, and the start of
    each cycle's blinatumomab infusion. `keys`: pk -> participant id; `among`: the same pks as a queryset,
    to select them in SQL instead of sending the list."""
    ids = among if among is not None else list(keys)
    doses = dose_dates(ids)
    cycles: dict[int, list[tuple[int, date]]] = {pk: [] for pk in keys}
    for pk, number, day1 in (
        Cycle.objects.live().filter(participant_id__in=ids).values_list("participant_id", "number", "day1_on")
    ):
        cycles.setdefault(pk, []).append((number, day1))
    starts: dict[int, dict[int, date]] = {pk: {} for pk in keys}
    segments = (
        BlinatumomabSegment.objects.live()
        .filter(cycle__participant_id__in=ids, cycle__is_deleted=False)
        .values("cycle__participant_id", "cycle__number")
        .annotate(first=Min("started_at"))
    )
    for row in segments:
        starts.setdefault(row["cycle__participant_id"], {})[row["cycle__number"]] = timezone.localtime(
            row["first"]
        ).date()
    drugs = [key for key, _ in STUDY_DRUGS]
    fields = ["participant_id", "term__code", "term__term", "term__soc", "worst_grade", "serious", "onset_date"]
    fields += ["reference", "resolution_date", *(f"relationship_{d}" for d in drugs)]
    aes: dict[int, list[AeFact]] = {pk: [] for pk in keys}
    events: dict[int, list[CrsIcansEvent]] = {pk: [] for pk in keys}
    rows = AdverseEvent.objects.live().filter(participant_id__in=ids).order_by("participant_id", "onset_date", "id")
    for row in rows.values(*fields):
        pk, onset = row["participant_id"], row["onset_date"]
        if pk not in keys:
            continue
        first, last = doses.get(pk, (None, None))
        cycle = rules.cycle_of(onset, cycles.get(pk, []))
        aes[pk].append(
            AeFact(
                participant_key=keys[pk],
                term=row["term__term"],
                soc=row["term__soc"],
                grade=row["worst_grade"],
                serious=row["serious"],
                onset=onset,
                treatment_emergent=rules.treatment_emergent(onset, first, last, protocol.teae_window_days),
                related={d: row[f"relationship_{d}"].lower() for d in drugs if row[f"relationship_{d}"]},
                cycle=cycle,
                aesi=rules.aesi_groups(row["term__code"], row["term__soc"]),
                reference=row["reference"],
                resolved=row["resolution_date"],
            )
        )
        kind = EVENT_KINDS.get(row["term__code"])
        if kind is not None:
            events[pk].append(CrsIcansEvent(keys[pk], kind, row["worst_grade"], onset, row["resolution_date"], cycle))
    return {
        pk: ParticipantSafetyFacts(aes=tuple(aes[pk]), events=tuple(events[pk]), infusion_starts=starts.get(pk, {}))
        for pk in keys
    }

"""Demo safety data: CRS grade 1-2 in most participants in the first days of cycle 1 (2-3 ASTCT assessments each,
tocilizumab for grade 2), a few ICANS (one at each adverse-event interruption of the infusion), chemistry around
each cycle start, a tumour lysis case in cycle 2 (venetoclax), usual chemotherapy toxicities, prophylaxis and
premedication, one SAE whose 24-hour clock is running, and a grade 5 AE for every death not due to the leukaemia.

Every record goes through the real forms (assessments.services.record_assessment), so the demo passes the same
validation as the browser; nothing is dated in the future.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from assessments.models import FollowUpContact, VitalStatus
from assessments.services import record_assessment
from cycles.models import BlinatumomabSegment, SegmentStopReason
from safety import forms, rules, term_list
from safety.models import AdverseEvent, ChemistryPanel, CtcaeTerm

CRS_PROBABILITY = 0.75
CRS_GRADE_2_PROBABILITY = 0.4
GRADE_DIFFERS_PROBABILITY = 0.1  # the investigator's CRS grade differs from the sheets: the edit check's query
TOXICITIES = (  # (term code, probability, worst grade choices, related drugs, action)
    ("nausea", 0.5, (1, 1, 2), ("dexamethasone", "cyclophosphamide"), "NONE"),
    ("peripheral_sensory_neuropathy", 0.3, (1, 2), ("vindesine",), "NONE"),
    ("hyperglycemia", 0.3, (1, 2), ("dexamethasone",), "NONE"),
    ("alanine_aminotransferase_increased", 0.2, (1, 2), ("blinatumomab",), "NONE"),
)
DEATH_TERMS = {
    "INFECTION": ("sepsis", ""),
    "TRANSPLANT": ("immune_system_disorders_other_specify", "Graft-versus-host disease"),
}
DRUGS = ("blinatumomab", "vindesine", "cyclophosphamide", "dexamethasone", "venetoclax")


@dataclass
class _Ctx:
    participant: object
    user: object
    rng: random.Random
    today: date
    now: datetime
    c1d1: date
    c2d1: date | None
    terms: dict = field(default_factory=dict)

    def term(self, code: str) -> CtcaeTerm:
        if code not in self.terms:
            self.terms[code] = CtcaeTerm.objects.get(code=code)
        return self.terms[code]


def _at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute)).strftime("%Y-%m-%dT%H:%M")


def _ae(ctx: _Ctx, code: str, onset: date, grade: int, *, days: int, related=("blinatumomab",), **extra):
    """An AE through the form; resolved `days` after onset (ongoing if that is after today)."""
    end = onset + timedelta(days=days)
    data = {
        "term": ctx.term(code).pk,
        "onset_date": onset,
        "worst_grade": grade,
        "aware_at": _at(onset, 9),
        "relationship_disease": "UNLIKELY",
        "outcome": "RECOVERED",
        **({"ongoing": True, "outcome": "RECOVERING"} if end > ctx.today else {"resolution_date": end}),
    }
    for drug in DRUGS:
        given = drug != "venetoclax" or (ctx.c2d1 is not None and onset >= ctx.c2d1)
        data[f"relationship_{drug}"] = "PROBABLE" if drug in related else ("UNLIKELY" if given else "NOT_RELATED")
        data[f"action_{drug}"] = "NONE" if given and drug in related else "NOT_APPLICABLE"
    data.update(extra)
    return record_assessment(form_class=forms.AdverseEventForm, data=data, user=ctx.user, participant=ctx.participant)


def _sheet(ctx: _Ctx, form_class, ae, data: dict) -> None:
    if form_class is forms.CrsAssessmentForm:
        data = {"vasopressors_excl_vasopressin": 0, **data}
    record_assessment(form_class=form_class, data=data, user=ctx.user, adverse_event=ae)


def _conmed(ctx: _Ctx, drug: str, start: date, stop: date | None, **extra) -> None:
    data = {"drug_name": drug, "start_date": start, "route": "PO", **extra}
    data |= {"stop_date": stop} if stop is not None and stop <= ctx.today else {"ongoing": True}
    record_assessment(form_class=forms.ConcomitantMedicationForm, data=data, user=ctx.user, participant=ctx.participant)


def _crs(ctx: _Ctx) -> None:
    rng = ctx.rng
    onset = ctx.c1d1 + timedelta(days=rng.randint(0, 2))
    if onset + timedelta(days=3) > ctx.today:
        return
    grade = 2 if rng.random() < CRS_GRADE_2_PROBABILITY else 1
    typed = grade if rng.random() >= GRADE_DIFFERS_PROBABILITY else 3 - grade
    ae = _ae(
        ctx,
        "cytokine_release_syndrome",
        onset,
        typed,
        days=rng.randint(2, 4),
        related=("blinatumomab",),
        treatment_given="Paracetamol" + (", tocilizumab 8 mg/kg" if grade == 2 else ""),
    )
    _sheet(
        ctx,
        forms.CrsAssessmentForm,
        ae,
        {"assessed_at": _at(onset, 18), "max_temp_c": f"{rng.uniform(38.2, 39):.1f}", "o2_device": "none"},
    )
    second = onset + timedelta(days=1)
    if grade == 2:
        worse = (
            {"hypotension": True}
            if rng.random() < 0.5
            else {"o2_device": "low_flow_nc_le6", "o2_flow_l_min": rng.choice(("2", "3", "4"))}
        )
        _sheet(
            ctx,
            forms.CrsAssessmentForm,
            ae,
            {
                "assessed_at": _at(second, 8),
                "o2_device": "none",
                "max_temp_c": f"{rng.uniform(38.8, 40.1):.1f}",
                **worse,
            },
        )
        _conmed(
            ctx,
            "Tocilizumab",
            second,
            second,
            route="IV",
            dose="560",
            dose_unit="mg",
            frequency="single dose",
            adverse_event=ae.pk,
            is_tocilizumab=True,
        )
        _sheet(
            ctx,
            forms.CrsAssessmentForm,
            ae,
            {
                "assessed_at": _at(second + timedelta(days=1), 8),
                "max_temp_c": "37.6",
                "fever_masked": True,
                "o2_device": "none",
                "tocilizumab_given": True,
            },
        )
    else:
        _sheet(
            ctx,
            forms.CrsAssessmentForm,
            ae,
            {"assessed_at": _at(second, 8), "o2_device": "none", "max_temp_c": f"{rng.uniform(38.0, 38.6):.1f}"},
        )
        if rng.random() < 0.3:
            _sheet(
                ctx,
                forms.CrsAssessmentForm,
                ae,
                {"assessed_at": _at(second + timedelta(days=1), 8), "o2_device": "none", "max_temp_c": "37.4"},
            )


def _icans_at_interruptions(ctx: _Ctx) -> None:
    """An ICANS event at each infusion stop the cycles demo made for an adverse event (grade 1-2, 2 sheets)."""
    stops = BlinatumomabSegment.objects.live().filter(
        cycle__participant=ctx.participant, stop_reason=SegmentStopReason.ADVERSE_EVENT, stopped_at__isnull=False
    )
    for seg in stops:
        onset = timezone.localtime(seg.stopped_at).date()
        if onset + timedelta(days=2) > ctx.today:
            continue
        grade = ctx.rng.choice((1, 2))
        ae = _ae(
            ctx,
            "immune_effector_cell_associated_neurotoxicity_syndrome",
            onset,
            grade,
            days=2,
            action_blinatumomab="INTERRUPTED",
            blinatumomab_segment=seg.pk,
            treatment_given="Dexamethasone 8 mg",
        )
        low = [1, 1, 1, 0, 1, 1, 0, 1, 0, 1] if grade == 1 else [1, 0, 1, 0, 1, 0, 0, 1, 0, 1]  # ICE 7 / ICE 5
        for day, points in ((onset, low), (onset + timedelta(days=1), [1] * 9 + [0])):  # then ICE 9: grade 1
            data = {
                "assessed_at": _at(day, 20 if day == onset else 10),
                "consciousness": "alert",
                "seizure": "none",
                "icp": "none",
            }
            data |= {f"ice_{code}": p for code, p in zip(_ice_codes(), points, strict=True)}
            _sheet(ctx, forms.IcansAssessmentForm, ae, data)


def _ice_codes() -> list[str]:
    return [code for code, _, _ in rules.ICE_ITEMS]


def _chemistry(ctx: _Ctx, day: date, *, tls: bool = False, alt: float | None = None) -> None:
    rng = ctx.rng
    values = {
        "potassium_mmol_per_l": rng.uniform(3.6, 4.8),
        "phosphate_mmol_per_l": rng.uniform(0.9, 1.3),
        "calcium_mmol_per_l": rng.uniform(2.2, 2.5),
        "uric_acid_umol_per_l": rng.uniform(200, 380),
        "creatinine_umol_per_l": rng.uniform(55, 95),
        "alt_u_per_l": alt or rng.uniform(12, 38),
        "ast_u_per_l": rng.uniform(12, 35),
        "bilirubin_umol_per_l": rng.uniform(5, 18),
        "glucose_mmol_per_l": rng.uniform(4.5, 9.5),
    }
    if tls:  # Cairo-Bishop: potassium >= 6.0, uric acid >= 476, phosphate >= 1.45 mmol/L
        values |= {
            "potassium_mmol_per_l": 6.2,
            "uric_acid_umol_per_l": 512,
            "phosphate_mmol_per_l": 1.7,
            "creatinine_umol_per_l": 128,
        }
    places = {name: ChemistryPanel._meta.get_field(name).decimal_places for name in values}
    data = {"sample_date": day, **{name: f"{v:.{places[name]}f}" for name, v in values.items()}}
    record_assessment(form_class=forms.ChemistryForm, data=data, user=ctx.user, participant=ctx.participant)


def _cycle_chemistry(ctx: _Ctx, day1: date, *, tls: bool = False) -> None:
    for offset in (-1, 3, 8):
        day = day1 + timedelta(days=offset)
        if day <= ctx.today:
            _chemistry(ctx, day, tls=tls and offset == 3)


def _tls_case(ctx: _Ctx) -> None:
    """Laboratory TLS on day 3 of cycle 2 (venetoclax): the AE, venetoclax interrupted, rasburicase."""
    onset = ctx.c2d1 + timedelta(days=3)
    ae = _ae(
        ctx,
        "tumor_lysis_syndrome",
        onset,
        3,
        days=3,
        related=("venetoclax",),
        action_venetoclax="INTERRUPTED",
        treatment_given="Hydration, rasburicase, venetoclax held 2 days",
    )
    _conmed(
        ctx,
        "Rasburicase",
        onset,
        onset + timedelta(days=1),
        route="IV",
        dose="0.2",
        dose_unit="mg/kg",
        frequency="once daily",
        adverse_event=ae.pk,
        is_tls_prophylaxis=False,
    )


def _prophylaxis(ctx: _Ctx) -> None:
    c1 = ctx.c1d1
    _conmed(
        ctx,
        "Dexamethasone",
        c1,
        c1,
        route="IV",
        dose="20",
        dose_unit="mg",
        frequency="single dose",
        indication="Premedication before blinatumomab",
        is_corticosteroid=True,
    )
    _conmed(
        ctx,
        "Allopurinol",
        c1 - timedelta(days=1),
        c1 + timedelta(days=13),
        dose="300",
        dose_unit="mg",
        frequency="once daily",
        indication="Tumour lysis prophylaxis",
        is_tls_prophylaxis=True,
    )
    _conmed(
        ctx,
        "Aciclovir",
        c1,
        None,
        dose="400",
        dose_unit="mg",
        frequency="twice daily",
        indication="Antiviral prophylaxis",
        is_antimicrobial_prophylaxis=True,
    )
    _conmed(
        ctx,
        "Co-trimoxazole",
        c1,
        None,
        dose="960",
        dose_unit="mg",
        frequency="three times a week",
        indication="Pneumocystis prophylaxis",
        is_antimicrobial_prophylaxis=True,
    )
    if ctx.c2d1 is not None:
        _conmed(
            ctx,
            "Allopurinol",
            ctx.c2d1 - timedelta(days=2),
            ctx.c2d1 + timedelta(days=14),
            dose="300",
            dose_unit="mg",
            frequency="once daily",
            indication="TLS prophylaxis (venetoclax)",
            is_tls_prophylaxis=True,
        )
    if ctx.rng.random() < 0.3 and c1 + timedelta(days=10) <= ctx.today:
        _conmed(
            ctx,
            "Filgrastim",
            c1 + timedelta(days=8),
            c1 + timedelta(days=12),
            route="SC",
            dose="300",
            dose_unit="ug",
            frequency="once daily",
            indication="Neutropenia",
            is_gcsf=True,
        )


def _toxicities(ctx: _Ctx) -> None:
    for code, probability, grades, related, action in TOXICITIES:
        onset = ctx.c1d1 + timedelta(days=ctx.rng.randint(3, 20))
        if ctx.rng.random() < probability and onset + timedelta(days=1) <= ctx.today:
            _ae(
                ctx,
                code,
                onset,
                ctx.rng.choice(grades),
                days=ctx.rng.randint(3, 14),
                related=related,
                **{f"action_{drug}": action for drug in related},
            )


def _running_sae(ctx: _Ctx) -> None:
    """Febrile neutropenia with hospitalisation, the site aware 5 hours ago: its 24-hour clock is running."""
    aware = ctx.now - timedelta(hours=5)
    onset = aware.date() - timedelta(days=1)
    _ae(
        ctx,
        "febrile_neutropenia",
        onset,
        3,
        days=30,
        related=("blinatumomab", "vindesine"),
        serious=True,
        sae_hospitalisation=True,
        aware_at=aware.strftime("%Y-%m-%dT%H:%M"),
        treatment_given="Piperacillin-tazobactam IV",
    )


def _fatal_event(ctx: _Ctx) -> None:
    """A grade 5 AE ending on the date of death, for a death not due to the leukaemia (edit check DEATH_NO_G5)."""
    death = (
        FollowUpContact.objects.live()
        .filter(participant=ctx.participant, vital_status=VitalStatus.DEAD)
        .values("death_date", "death_cause")
        .first()
    )
    if death is None or death["death_cause"] not in DEATH_TERMS:
        return
    code, words = DEATH_TERMS[death["death_cause"]]
    onset = max(death["death_date"] - timedelta(days=ctx.rng.randint(2, 8)), ctx.c1d1)
    aware = datetime.combine(onset, time(9))
    _ae(
        ctx,
        code,
        onset,
        5,
        days=(death["death_date"] - onset).days,
        related=(),
        verbatim_term=words,
        outcome="FATAL",
        serious=True,
        sae_death=True,
        relationship_disease="POSSIBLE",
        sae_initial_report_at=(aware + timedelta(hours=ctx.rng.randint(3, 20))).strftime("%Y-%m-%dT%H:%M"),
    )


def add_demo_safety(participant, *, rng: random.Random, user, treatment: dict) -> None:
    """Safety data consistent with the treatment dates {"c1d1", "c2d1", ...} (None = not reached)."""
    if treatment.get("c1d1") is None:
        return
    if not CtcaeTerm.objects.exists():
        term_list.load_shipped()
    ctx = _Ctx(participant, user, rng, timezone.localdate(), timezone.now(), treatment["c1d1"], treatment.get("c2d1"))
    _prophylaxis(ctx)
    _cycle_chemistry(ctx, ctx.c1d1)
    tls_case = (
        ctx.c2d1 is not None
        and ctx.c2d1 + timedelta(days=4) <= ctx.today
        and not AdverseEvent.objects.filter(term__code="tumor_lysis_syndrome", is_deleted=False).exists()
    )
    if ctx.c2d1 is not None:
        _cycle_chemistry(ctx, ctx.c2d1, tls=tls_case)
    if tls_case:
        _tls_case(ctx)
    if rng.random() < CRS_PROBABILITY:
        _crs(ctx)
    _icans_at_interruptions(ctx)
    _toxicities(ctx)
    running = AdverseEvent.objects.filter(serious=True, sae_initial_report_at__isnull=True, is_deleted=False)
    on_treatment = treatment.get("treatment_end") is None and ctx.c1d1 + timedelta(days=4) <= ctx.today
    alive = not FollowUpContact.objects.live().filter(participant=participant, vital_status=VitalStatus.DEAD).exists()
    if on_treatment and alive and not running.exists():
        _running_sae(ctx)
    _fatal_event(ctx)

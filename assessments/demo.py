"""Demo assessments: realistic marrows, blood counts, EMD, flow/NGS MRD, response calls and follow-up.

Ranges follow DOMAIN.md 1.3 (frontline young adults): CR/CRh/CRi at EOC1 about 88 %, flow-MRD-negative
CR at EOC2 about 80 % (lower at 0.01 %, NGS lower still), a few relapses and deaths, follow-up contacts
about every 3 months up to today. Every record goes through the real forms (services.record_assessment),
so the demo passes the same validation as the browser; nothing is dated in the future.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from assessments import derived, forms, rules, services

EOC1_OUTCOMES = (("CR", 0.50), ("CRh", 0.22), ("CRi", 0.16), ("NR", 0.08), ("NE", 0.04))
EOC2_AFTER = {
    "CR": (("CR", 0.97), ("CRh", 0.03)),
    "CRh": (("CR", 0.8), ("CRh", 0.1), ("CRi", 0.1)),
    "CRi": (("CR", 0.75), ("CRh", 0.1), ("CRi", 0.15)),
    "NR": (("CR", 0.5), ("NR", 0.5)),
    "NE": (("CR", 0.7), ("NR", 0.3)),
}
RELAPSE_PROBABILITY = 0.22
DEATH_AFTER_RELAPSE_PROBABILITY = 0.5
DEATH_IF_REFRACTORY_PROBABILITY = 0.5
DEATH_IN_REMISSION_PROBABILITY = 0.04
CALL_DISAGREES_PROBABILITY = 0.08
CONTACT_EVERY_DAYS = 91


@dataclass
class _Ctx:
    participant: object
    user: object
    rng: random.Random
    today: date


def _pick(rng: random.Random, table) -> str:
    r, total = rng.random(), 0.0
    for value, weight in table:
        total += weight
        if r < total:
            return value
    return table[-1][0]


def _save(ctx: _Ctx, form_class, data: dict, **kwargs):
    return services.record_assessment(form_class=form_class, data=data, user=ctx.user, **kwargs)


def _counts(rng: random.Random, category: str) -> tuple[float, float]:
    """(ANC, platelets) in x10^9/L that give the category under the default criteria."""
    if category == "CR":
        return rng.uniform(1.1, 4.5), rng.uniform(105, 320)
    if category == "CRh":
        return (rng.uniform(0.55, 0.95), rng.uniform(60, 250)) if rng.random() < 0.5 else (
            rng.uniform(0.6, 3.0), rng.uniform(52, 95))
    if category == "CRi":
        return (rng.uniform(0.1, 0.45), rng.uniform(20, 150)) if rng.random() < 0.5 else (
            rng.uniform(0.3, 2.0), rng.uniform(10, 45))
    return rng.uniform(0.1, 1.2), rng.uniform(8, 80)


def _cbc(ctx: _Ctx, on: date, anc: float, plt: float, *, blasts: bool = False) -> None:
    _save(ctx, forms.BloodCountForm, {
        "sample_date": on, "anc_e9_per_l": f"{anc:.2f}", "platelets_e9_per_l": f"{plt:.0f}",
        "hb_g_per_l": f"{ctx.rng.uniform(75, 135):.0f}", "wbc_e9_per_l": f"{anc / ctx.rng.uniform(0.45, 0.7):.2f}",
        "circulating_blasts": "PRESENT" if blasts else "ABSENT",
        "circulating_blasts_pct": f"{ctx.rng.uniform(5, 60):.0f}" if blasts else None,
    }, participant=ctx.participant)


def _flow(ctx: _Ctx, marrow, category: str, negative: bool) -> None:
    rng = ctx.rng
    if category == "NR":
        data = {"result_type": "QUANTIFIED", "value_pct": f"{rng.uniform(5, 60):.2f}", "lod_pct": "0.005"}
    elif category == "NE":
        data = {"result_type": "NOT_EVALUABLE", "not_evaluable_reason": "Haemodilute sample, too few events"}
    elif negative:
        r = rng.random()
        if r < 0.45:
            data = {"result_type": "NOT_DETECTED", "lod_pct": rng.choice(("0.005", "0.003", "0.001", "0.01"))}
        elif r < 0.95:
            data = {"result_type": "QUANTIFIED", "value_pct": f"{rng.uniform(0.002, 0.09):.4f}", "lod_pct": "0.002"}
        else:
            data = {"result_type": "NOT_DETECTED", "lod_pct": "0.2"}  # insufficient sensitivity -> NE
    else:
        data = {"result_type": "QUANTIFIED", "value_pct": f"{rng.uniform(0.1, 3.0):.3f}", "lod_pct": "0.005"}
    data |= {"cells_analysed": rng.randint(300_000, 1_500_000), "lab": "Central flow laboratory",
             "method_version": "8-colour EuroFlow v3"}
    _save(ctx, forms.FlowMrdForm, data, marrow=marrow)


def _ngs(ctx: _Ctx, marrow, category: str, flow_negative: bool, trackable: bool) -> None:
    rng = ctx.rng
    if not trackable:
        data = {"clone_trackable": False}
    elif category in ("CR", "CRh", "CRi") and flow_negative and rng.random() < 0.55:
        data = {"clone_trackable": True, "result": "NOT_DETECTED", "lod_fraction": "1e-06"}
    else:
        exponent = rng.uniform(-5.8, -4.2) if flow_negative else rng.uniform(-3.5, -1)
        data = {"clone_trackable": True, "result": "DETECTED", "value_fraction": f"{10 ** exponent:.3g}",
                "lod_fraction": "1e-06"}
    _save(ctx, forms.NgsMrdForm, data | {"lab": "clonoSEQ reference laboratory"}, marrow=marrow)


def _eoc(ctx: _Ctx, timepoint: str, on: date, category: str, *, flow_negative: bool, trackable: bool) -> str:
    """One end-of-cycle assessment; returns the derived response."""
    rng = ctx.rng
    _cbc(ctx, on - timedelta(days=rng.randint(0, 2)), *_counts(rng, category))
    _save(ctx, forms.EmdForm, {"assessed_on": on, "status": "NONE", "cns_status": "CNS1"},
          participant=ctx.participant)
    adequate = category != "NE"
    blasts = rng.uniform(6, 60) if category == "NR" else rng.uniform(0, 4.5)
    marrow = _save(ctx, forms.MarrowForm, {
        "timepoint": timepoint, "sample_date": on, "aspirate_adequacy": "ADEQUATE" if adequate else "DRY_TAP",
        "blasts_pct": f"{blasts:.1f}" if adequate else None, "cellularity": rng.choice(("HYPO", "NORMO", "NORMO")),
        "sample_id": f"{ctx.participant.participant_id}-{timepoint}",
    }, participant=ctx.participant)
    _flow(ctx, marrow, category, flow_negative)
    _ngs(ctx, marrow, category, flow_negative, trackable)
    response = derived.derive_for_participant(ctx.participant.pk).eoc[timepoint].derived_response
    call = response
    if rng.random() < CALL_DISAGREES_PROBABILITY:
        call = {"CRh": "CR", "CRi": "CRh", "CR": "CRh"}.get(response, response)
    _save(ctx, forms.ResponseCallForm, {"response": call}, marrow=marrow)
    return response


def _relapse(ctx: _Ctx, on: date) -> None:
    rng = ctx.rng
    _cbc(ctx, on, rng.uniform(0.3, 2.0), rng.uniform(15, 90), blasts=True)
    _save(ctx, forms.MarrowForm, {
        "timepoint": "UNSCHEDULED", "sample_date": on, "aspirate_adequacy": "ADEQUATE",
        "blasts_pct": f"{rng.uniform(15, 85):.1f}", "cellularity": "HYPER",
        "sample_id": f"{ctx.participant.participant_id}-REL",
    }, participant=ctx.participant)
    cns = "CNS3" if rng.random() < 0.2 else "CNS1"
    _save(ctx, forms.EmdForm, {"assessed_on": on, "status": "NONE", "cns_status": cns}, participant=ctx.participant)


def _contacts(ctx: _Ctx, start: date, *, in_remission: bool, relapse_on: date | None, death: tuple | None,
              hsct: date | None) -> None:
    rng, last = ctx.rng, start
    relapse_reported = False
    day = start + timedelta(days=CONTACT_EVERY_DAYS + rng.randint(-14, 14))
    while day <= ctx.today and (death is None or day < death[0]):
        data = {"contact_date": day, "method": rng.choice(("VISIT", "VISIT", "PHONE")), "vital_status": "ALIVE",
                "disease_status": "CONTINUED_REMISSION" if in_remission else "NOT_ASSESSED"}
        if relapse_on is not None and relapse_on <= day:
            data["disease_status"] = "NOT_ASSESSED"
            if not relapse_reported:
                data |= {"disease_status": "RELAPSE", "relapse_date": relapse_on, "relapse_documented_by": "MARROW"}
                relapse_reported = True
        if hsct is not None and last < hsct <= day:
            data |= {"transplant_since_last_contact": True, "transplant_date": hsct}
        _save(ctx, forms.FollowUpContactForm, data, participant=ctx.participant)
        last, day = day, day + timedelta(days=CONTACT_EVERY_DAYS + rng.randint(-14, 14))
    if death is not None and death[0] <= ctx.today:
        contact = min(death[0] + timedelta(days=rng.randint(1, 20)), ctx.today)
        _save(ctx, forms.FollowUpContactForm, {
            "contact_date": contact, "method": "RECORDS", "vital_status": "DEAD", "disease_status": "NOT_ASSESSED",
            "death_date": death[0], "death_cause": death[1],
        }, participant=ctx.participant)


def add_demo_assessments(participant, *, rng: random.Random, user, treatment: dict) -> date | None:
    """Assessments consistent with the treatment dates {"c1d1", "c2d1", "hsct"} (None = not reached).

    Returns the date of death when the participant dies in the demo, else None.
    """
    c1d1 = treatment.get("c1d1")
    if c1d1 is None:
        return None
    ctx = _Ctx(participant, user, rng, timezone.localdate())
    c2d1, hsct = treatment.get("c2d1"), treatment.get("hsct")
    for day in (8, 15):
        if (on := c1d1 + timedelta(days=day - 1)) <= ctx.today:
            _cbc(ctx, on, rng.uniform(0.1, 1.5), rng.uniform(15, 120), blasts=day == 8 and rng.random() < 0.4)
    eoc1_on = c1d1 + timedelta(days=rng.randint(25, 27))
    if eoc1_on > ctx.today:
        return None
    trackable = rng.random() < 0.9
    category = _pick(rng, EOC1_OUTCOMES)
    flow_negative = rng.random() < 0.65
    response = _eoc(ctx, "EOC1", eoc1_on, category, flow_negative=flow_negative, trackable=trackable)
    last_assessment = eoc1_on
    eoc2_on = c2d1 + timedelta(days=rng.randint(25, 30)) if c2d1 else None
    if eoc2_on is not None and eoc2_on <= ctx.today:
        category = _pick(rng, EOC2_AFTER.get(response, EOC2_AFTER["NE"]))
        flow_negative = category == "CR" and rng.random() < 0.88 or flow_negative and category != "NR"
        response = _eoc(ctx, "EOC2", eoc2_on, category, flow_negative=flow_negative, trackable=trackable)
        last_assessment = eoc2_on
    in_remission = rules.is_remission(response)
    relapse_on, death = _events(rng, ctx.today, last_assessment, in_remission, hsct)
    if relapse_on is not None:
        _relapse(ctx, relapse_on)
    _contacts(ctx, last_assessment, in_remission=in_remission, relapse_on=relapse_on, death=death, hsct=hsct)
    return death[0] if death else None


def _events(rng: random.Random, today: date, after: date, in_remission: bool, hsct: date | None):
    """(relapse date or None, (death date, cause) or None), inside the follow-up available up to today."""
    relapse_on = death = None
    span = (today - after).days
    if in_remission and span > 90 and rng.random() < RELAPSE_PROBABILITY:
        relapse_on = after + timedelta(days=rng.randint(60, span - 21))
        left = (today - relapse_on).days
        if left > 30 and rng.random() < DEATH_AFTER_RELAPSE_PROBABILITY:
            death = (relapse_on + timedelta(days=rng.randint(30, min(left, 300))), "DISEASE")
    elif not in_remission and span > 60 and rng.random() < DEATH_IF_REFRACTORY_PROBABILITY:
        # after the transplant, if any: a transplant dated after the death would prove them alive after it
        anchor = max(after, hsct) if hsct else after
        left = (today - anchor).days
        if left > 45:
            death = (anchor + timedelta(days=rng.randint(45, min(left, 400))), "DISEASE")
    elif in_remission and span > 120 and rng.random() < DEATH_IN_REMISSION_PROBABILITY:
        anchor = hsct if hsct and (today - hsct).days > 60 else after
        death = (anchor + timedelta(days=rng.randint(30, (today - anchor).days)), "TRANSPLANT" if hsct else "INFECTION")
    return relapse_on, death

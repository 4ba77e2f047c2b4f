"""Dosing rules of the protocol definition (issue 14, DOMAIN 2.2-2.3): blinatumomab per m2 below 45 kg, never
above the fixed dose; the plan shows the rule behind each planned dose; no dexamethasone or cyclophosphamide cap
(DOMAIN.md names none). Expected values computed by hand from DOMAIN.md."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cycles import rules, services
from cycles.models import Cycle
from cycles.regimen import CYCLOPHOSPHAMIDE, DEXAMETHASONE, REGIMEN
from tests.factories.cycles import SegmentFactory
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

D = datetime.timedelta
C1_STEPS = REGIMEN.cycle(1).blinatumomab  # 9 then 28 ug/day; below 45 kg 5 then 15 ug/m2/day


@pytest.mark.django_db
def test_a_40_kg_participants_plan_shows_the_per_m2_blinatumomab_dose(coordinator_client, site_a, today):
    screening = ScreeningFactory(site=site_a, screened_on=today - D(days=60), status="enrolled")
    participant = ParticipantFactory(screening=screening, height_cm=150, weight_kg=40)
    start_url = reverse("cycles:cycle-start", args=[participant.pk])
    token = coordinator_client.get(start_url).context["form"]["submission_token"].value()
    coordinator_client.post(
        start_url, {"day1_on": (today - D(days=10)).isoformat(), "weight_kg": "40", "submission_token": token}
    )
    cycle = Cycle.objects.get(participant=participant)

    page = coordinator_client.get(reverse("cycles:cycle-detail", args=[cycle.pk]))

    # BSA = sqrt(150 x 40 / 3600) = 1.291 -> 1.29 m2; 5 x 1.29 = 6.45 and 15 x 1.29 = 19.35 ug/day (< 9, < 28)
    assert cycle.bsa_m2 == Decimal("1.29")
    rates = [(p.from_day, p.to_day, p.rate_mcg_per_day) for p in page.context["blina_plan"]]
    assert rates == [(1, 7, 6.45), (8, 28, 19.35)]
    html = page.content.decode()
    assert "5 µg/m²/day × 1.29 m² = 6.45 µg/day (40 kg &lt; 45 kg)" in html
    assert "15 µg/m²/day × 1.29 m² = 19.35 µg/day (40 kg &lt; 45 kg)" in html


def test_the_per_m2_dose_is_capped_at_the_fixed_dose():
    # 44 kg with a BSA of 1.95 m2: 5 x 1.95 = 9.75 -> 9 ug/day; 15 x 1.95 = 29.25 -> 28 ug/day
    plan = rules.planned_blinatumomab_rates(C1_STEPS, 44, 1.95)
    assert [p.rate_mcg_per_day for p in plan] == [9, 28]
    assert plan[0].rule == "5 µg/m²/day × 1.95 m² = 9.75 µg/day (44 kg < 45 kg), capped at the fixed dose 9 µg/day"


def test_at_45_kg_and_above_the_fixed_dose_applies():
    plan = rules.planned_blinatumomab_rates(C1_STEPS, 45, 1.4)
    assert [p.rate_mcg_per_day for p in plan] == [9, 28]
    assert plan[0].rule == "fixed dose 9 µg/day (45 kg ≥ 45 kg)"


@pytest.mark.django_db
def test_a_40_kg_participants_fixed_rate_infusion_is_flagged_above_the_planned_per_m2_rate(participant, coordinator):
    cycle = Cycle.objects.create(
        participant=participant,
        number=1,
        day1_on=participant.enrolled_on + D(days=1),
        planned_day1_on=participant.enrolled_on + D(days=1),
        height_cm=150,
        weight_kg=40,
        bsa_m2=Decimal("1.29"),
    )
    fixed = SegmentFactory(cycle=cycle, rate_mcg_per_day=Decimal("9"))  # planned 6.45 ug/day days 1-7

    assert services.rate_queries(cycle, [fixed]) == [fixed]


@pytest.mark.parametrize(
    ("drug", "bsa", "expected"),
    [
        (DEXAMETHASONE, 2.2, 22.0),  # 10 x 2.2, no cap in DOMAIN.md
        (CYCLOPHOSPHAMIDE, 2.6, 520.0),  # 200 x 2.6, no cap in DOMAIN.md
    ],
)
def test_dexamethasone_and_cyclophosphamide_have_no_cap(drug, bsa, expected):
    assert drug.cap_mg is None
    assert rules.planned_dose_mg(drug, bsa) == expected


def test_the_dose_rule_names_how_each_planned_dose_was_produced():
    assert rules.dose_rule(3, "mg/m2", 1.82, 5) == "3 mg/m² × 1.82 m² = 5.46 mg, capped at 5 mg"
    assert rules.dose_rule(200, "mg/m2", 1.82, 364) == "200 mg/m² × 1.82 m² = 364 mg"
    assert rules.dose_rule(400, "mg", 1.82, 400) == "flat 400 mg"

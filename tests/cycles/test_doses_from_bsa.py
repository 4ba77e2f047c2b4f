"""Planned doses: mg/m2 x BSA (Mosteller), capped where the protocol caps; dated from the cycle's actual day 1
(hand-computed)."""

from datetime import date

import pytest

from cycles import rules
from cycles.regimen import CYCLOPHOSPHAMIDE, DEXAMETHASONE, REGIMEN, VENETOCLAX, VINDESINE


def test_bsa_is_mosteller_when_170_cm_and_70_kg():
    # sqrt(170 x 70 / 3600) = sqrt(3.30556) = 1.8181
    assert rules.bsa_mosteller(170, 70) == 1.82


@pytest.mark.parametrize(
    ("drug", "bsa", "expected"),
    [
        (CYCLOPHOSPHAMIDE, 1.82, 364.0),  # 200 x 1.82
        (DEXAMETHASONE, 1.82, 18.2),  # 10 x 1.82
        (VINDESINE, 1.5, 4.5),  # 3 x 1.5, under the 5 mg cap
        (VINDESINE, 1.82, 5.0),  # 3 x 1.82 = 5.46 -> capped at 5 mg
        (DEXAMETHASONE, 2.2, 22.0),  # 10 x 2.2: DOMAIN.md names no dexamethasone cap (issue 14)
        (VENETOCLAX, 1.82, 400.0),  # flat dose, BSA ignored
    ],
)
def test_planned_dose_is_bsa_based_and_capped_when_drug_is_per_m2(drug, bsa, expected):
    assert rules.planned_dose_mg(drug, bsa) == expected


def test_cycle1_plan_has_one_row_per_drug_day_when_generated():
    plan = rules.planned_administrations(REGIMEN.cycle(1), date(2026, 3, 2), 1.82)
    by_drug = {}
    for p in plan:
        by_drug.setdefault(p.drug_code, []).append(p)
    assert {k: len(v) for k, v in by_drug.items()} == {"VDS": 4, "CTX": 3, "DXM": 7}
    assert [p.planned_on for p in by_drug["VDS"]] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
    ]
    assert [p.planned_on for p in by_drug["CTX"]] == [date(2026, 3, 4), date(2026, 3, 5), date(2026, 3, 6)]
    assert by_drug["CTX"][0].planned_dose_mg == 364.0 and by_drug["CTX"][0].protocol_dose_unit == "mg/m2"


def test_cycle2_plan_is_venetoclax_days_1_to_21_when_generated():
    plan = rules.planned_administrations(REGIMEN.cycle(2), date(2026, 4, 1), 1.82)
    assert len(plan) == 21 and {p.drug_code for p in plan} == {"VEN"}
    assert plan[-1].planned_on == date(2026, 4, 21)


def test_cycle_days_problem_when_dose_outside_the_cycle():
    day1 = date(2026, 3, 2)
    assert rules.cycle_days_problem(date(2026, 3, 29), day1, 28) is None  # day 28
    assert rules.cycle_days_problem(date(2026, 3, 30), day1, 28) is not None  # day 29
    assert rules.cycle_days_problem(date(2026, 3, 1), day1, 28) is not None  # day 0


def test_cap_problem_when_dose_above_cap():
    assert rules.cap_problem(5, 5) is None
    assert "cap of 5 mg" in rules.cap_problem(5.5, 5)

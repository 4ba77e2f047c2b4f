"""CTCAE v5.0 laboratory grades (DOMAIN.md 4.1 and 4.5): each threshold and its neighbour on either side.

Expected grades are read by hand off the CTCAE ranges ("< 1.0 - 0.5" = grade 3 for 0.5 <= value < 1.0;
"> 3.0 - 5.0 x ULN" = grade 2 for 3 x ULN < value <= 5 x ULN).
"""

import pytest

from safety.labgrades import LAB_GRADE_TABLE, LAB_TERMS, lab_grade

NEUTROPHILS = [  # LLN 2.0 x10^9/L
    (2.1, 0),
    (2.0, 0),
    (1.99, 1),
    (1.5, 1),
    (1.49, 2),
    (1.0, 2),
    (0.99, 3),
    (0.5, 3),
    (0.49, 4),
    (0.0, 4),
]
# LLN 150 x10^9/L
PLATELETS = [(151, 0), (150, 0), (149, 1), (75, 1), (74.9, 2), (50, 2), (49.9, 3), (25, 3), (24.9, 4), (1, 4)]
WHITE_CELLS = [(4.0, 0), (3.9, 1), (3.0, 1), (2.99, 2), (2.0, 2), (1.99, 3), (1.0, 3), (0.99, 4)]  # LLN 4.0
LYMPHOCYTES = [(1.0, 0), (0.99, 1), (0.8, 1), (0.79, 2), (0.5, 2), (0.49, 3), (0.2, 3), (0.19, 4)]  # LLN 1.0
HAEMOGLOBIN = [(130, 0), (129, 1), (100, 1), (99, 2), (80, 2), (79, 3), (40, 3)]  # LLN 130 g/L; no lab grade 4
ALT = [(40, 0), (40.1, 1), (120, 1), (120.1, 2), (200, 2), (200.1, 3), (800, 3), (800.1, 4)]  # ULN 40 U/L
BILIRUBIN = [(21, 0), (21.1, 1), (31.5, 1), (31.6, 2), (63, 2), (63.1, 3), (210, 3), (210.1, 4)]  # ULN 21 umol/L
GGT = [(60, 0), (60.1, 1), (150, 1), (150.1, 2), (300, 2), (300.1, 3), (1200, 3), (1200.1, 4)]  # ULN 60
ALP = [(130, 0), (130.1, 1), (325, 1), (325.1, 2), (650, 2), (650.1, 3), (2600, 3), (2600.1, 4)]  # ULN 130
CREATININE = [(100, 0), (101, 1), (150, 1), (151, 2), (300, 2), (301, 3), (600, 3), (601, 4)]  # ULN 100 umol/L
HYPERKALAEMIA = [(5.0, 0), (5.1, 1), (5.5, 1), (5.6, 2), (6.0, 2), (6.1, 3), (7.0, 3), (7.1, 4)]  # ULN 5.0
HYPOKALAEMIA = [(3.5, 0), (3.4, 1), (3.0, 1), (2.9, 3), (2.5, 3), (2.4, 4)]  # LLN 3.5; grade 2 needs symptoms
HYPOCALCAEMIA = [(2.1, 0), (2.09, 1), (2.0, 1), (1.99, 2), (1.75, 2), (1.74, 3), (1.5, 3), (1.49, 4)]  # LLN 2.1
HYPERURICAEMIA = [(420, 0), (421, 1), (600, 1), (1200, 1)]  # ULN 420 umol/L; grade 1 only

CASES = (
    [("Neutrophil count decreased", v, {"lln": 2.0}, g) for v, g in NEUTROPHILS]
    + [("Platelet count decreased", v, {"lln": 150}, g) for v, g in PLATELETS]
    + [("White blood cell decreased", v, {"lln": 4.0}, g) for v, g in WHITE_CELLS]
    + [("Lymphocyte count decreased", v, {"lln": 1.0}, g) for v, g in LYMPHOCYTES]
    + [("Anemia", v, {"lln": 130}, g) for v, g in HAEMOGLOBIN]
    + [("Alanine aminotransferase increased", v, {"uln": 40}, g) for v, g in ALT]
    + [("Aspartate aminotransferase increased", v, {"uln": 40}, g) for v, g in ALT]
    + [("Blood bilirubin increased", v, {"uln": 21}, g) for v, g in BILIRUBIN]
    + [("GGT increased", v, {"uln": 60}, g) for v, g in GGT]
    + [("Alkaline phosphatase increased", v, {"uln": 130}, g) for v, g in ALP]
    + [("Creatinine increased", v, {"uln": 100}, g) for v, g in CREATININE]
    + [("Hyperkalemia", v, {"uln": 5.0}, g) for v, g in HYPERKALAEMIA]
    + [("Hypokalemia", v, {"lln": 3.5}, g) for v, g in HYPOKALAEMIA]
    + [("Hypocalcemia", v, {"lln": 2.1}, g) for v, g in HYPOCALCAEMIA]
    + [("Hyperuricemia", v, {"uln": 420}, g) for v, g in HYPERURICAEMIA]
)


@pytest.mark.parametrize(
    ("term", "value", "limits", "expected"), CASES, ids=[f"{t} {v} -> G{g}" for t, v, _, g in CASES]
)
def test_lab_grade_at_each_threshold_and_its_neighbours(term, value, limits, expected):
    assert lab_grade(term, value, **limits) == expected


def test_every_lab_term_has_boundary_cases_here():
    assert {LAB_TERMS[code].term for code in LAB_TERMS} == {term for term, _, _, _ in CASES}


def test_decimal_limits_hit_their_boundary_despite_float_rounding():
    # 1.5 x 17.1 = 25.65 exactly on paper (25.650000000000002 in binary): 25.65 is still grade 1.
    assert lab_grade("Blood bilirubin increased", 25.65, uln=17.1) == 1
    assert lab_grade("Blood bilirubin increased", 25.66, uln=17.1) == 2
    # 3 x 0.1 = 0.3 on paper: exactly 3 x ULN is grade 1.
    assert lab_grade("ALT increased", 0.3, uln=0.1) == 1


def test_british_spellings_codes_and_any_case_name_the_same_term():
    assert lab_grade("anaemia", 79, lln=130) == 3
    assert lab_grade("hyperkalaemia", 6.1, uln=5.0) == 3
    assert lab_grade("neutrophil_count_decreased", 0.4, lln=2.0) == 4
    assert lab_grade("NEUTROPHIL COUNT DECREASED", 0.4, lln=2.0) == 4


def test_an_unknown_term_is_refused():
    with pytest.raises(KeyError):
        lab_grade("Nausea", 1.0)


def test_a_missing_normal_limit_is_refused_only_where_the_grade_depends_on_it():
    with pytest.raises(ValueError, match="LLN"):
        lab_grade("Neutrophil count decreased", 1.8)
    assert lab_grade("Neutrophil count decreased", 1.2) == 2
    with pytest.raises(ValueError, match="ULN"):
        lab_grade("ALT increased", 100)
    assert lab_grade("Hyperkalemia", 6.5) == 3
    with pytest.raises(ValueError, match="ULN"):
        lab_grade("Hyperkalemia", 5.2)


def test_each_term_grade_table_tops_out_at_its_declared_maximum():
    assert {code: max(lim.grade for lim in LAB_GRADE_TABLE[code]) for code in LAB_TERMS} == {
        code: spec.max_lab_grade for code, spec in LAB_TERMS.items()
    }
    assert LAB_TERMS["anemia"].max_lab_grade == 3
    assert LAB_TERMS["hyperuricemia"].max_lab_grade == 1
    assert all(lim.source for limits in LAB_GRADE_TABLE.values() for lim in limits)

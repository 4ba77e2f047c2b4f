"""ASTCT 2019 CRS grade (DOMAIN.md 4.2): every row and boundary of the table, expected grades by hand."""

import pytest

from safety.rules import O2_DEVICE_LABELS, CrsObservation, O2Device, crs_grade, crs_problems


def obs(
    temp=38.5,
    masked=False,
    hypotension=False,
    pressors=0,
    vasopressin=False,
    device="none",
    flow=None,
    died=False,
) -> CrsObservation:
    return CrsObservation(
        max_temp_c=temp,
        fever_masked=masked,
        hypotension=hypotension,
        vasopressors_excl_vasopressin=pressors,
        vasopressin=vasopressin,
        o2_device=device,
        o2_flow_l_min=flow,
        died_of_crs=died,
    )


GRADE_CASES = [
    # fever boundary: >= 38.0 C
    ("37.9 C and nothing else is no CRS", obs(temp=37.9), 0),
    ("38.0 C alone is grade 1", obs(temp=38.0), 1),
    ("no temperature recorded and not masked is no CRS", obs(temp=None), 0),
    ("fever masked with nothing else is grade 1", obs(temp=36.8, masked=True), 1),
    ("fever masked and no temperature is grade 1", obs(temp=None, masked=True), 1),
    # no fever, not masked: 0 whatever else
    ("no fever and not masked is 0 even with hypotension", obs(temp=37.0, hypotension=True), 0),
    ("no fever and not masked is 0 even with two pressors", obs(temp=37.0, hypotension=True, pressors=2), 0),
    ("no fever and not masked is 0 even on a ventilator", obs(temp=37.0, device="intubation"), 0),
    ("no fever and not masked is 0 even if died", obs(temp=37.0, died=True), 0),
    # hypotension row
    ("hypotension without vasopressor is grade 2", obs(hypotension=True), 2),
    ("hypotension with one vasopressor is grade 3", obs(hypotension=True, pressors=1), 3),
    ("vasopressin alone is grade 3", obs(hypotension=True, vasopressin=True), 3),
    ("one pressor plus vasopressin is grade 3", obs(hypotension=True, pressors=1, vasopressin=True), 3),
    ("two pressors are grade 4", obs(hypotension=True, pressors=2), 4),
    ("two pressors plus vasopressin are grade 4", obs(hypotension=True, pressors=2, vasopressin=True), 4),
    ("three pressors are grade 4", obs(hypotension=True, pressors=3), 4),
    ("masked fever with hypotension is grade 2", obs(temp=37.2, masked=True, hypotension=True), 2),
    # hypoxia row
    ("low-flow nasal cannula is grade 2", obs(device="low_flow_nc_le6", flow=2), 2),
    ("low-flow nasal cannula at exactly 6 L/min is grade 2", obs(device="low_flow_nc_le6", flow=6.0), 2),
    ("blow-by is grade 2", obs(device="blow_by"), 2),
    ("high-flow nasal cannula is grade 3", obs(device="high_flow_nc_gt6", flow=6.1), 3),
    ("face mask is grade 3", obs(device="face_mask"), 3),
    ("non-rebreather is grade 3", obs(device="non_rebreather"), 3),
    ("Venturi mask is grade 3", obs(device="venturi"), 3),
    ("CPAP is grade 4", obs(device="cpap"), 4),
    ("BiPAP is grade 4", obs(device="bipap"), 4),
    ("intubation is grade 4", obs(device="intubation"), 4),
    ("masked fever with face mask is grade 3", obs(temp=None, masked=True, device="face_mask"), 3),
    # worse of the two tiers
    ("one pressor and low-flow oxygen is grade 3", obs(hypotension=True, pressors=1, device="low_flow_nc_le6"), 3),
    ("hypotension without pressor and CPAP is grade 4", obs(hypotension=True, device="cpap"), 4),
    ("two pressors and blow-by is grade 4", obs(hypotension=True, pressors=2, device="blow_by"), 4),
    ("hypotension and low-flow oxygen is grade 2", obs(hypotension=True, device="blow_by"), 2),
    # death
    ("death due to CRS with fever is grade 5", obs(died=True), 5),
    ("death due to CRS with masked fever is grade 5", obs(temp=None, masked=True, died=True, device="intubation"), 5),
]


@pytest.mark.parametrize(("case", "observation", "expected"), GRADE_CASES, ids=[c[0] for c in GRADE_CASES])
def test_crs_grade_follows_the_astct_table(case, observation, expected):
    assert crs_grade(observation) == expected


def test_every_oxygen_device_has_a_label_and_a_grade():
    assert set(O2_DEVICE_LABELS) == set(O2Device)
    for device in O2Device:
        crs_grade(obs(device=device.value))  # no KeyError


def test_an_unknown_oxygen_device_is_refused_by_the_grade_and_reported_as_a_problem():
    with pytest.raises(ValueError, match="oxygen device"):
        crs_grade(obs(device="helmet"))
    assert set(crs_problems(obs(device="helmet"))) == {"o2_device"}


def test_a_valid_assessment_has_no_problems():
    assert crs_problems(obs(hypotension=True, pressors=1, device="low_flow_nc_le6", flow=6.0)) == {}


def test_nasal_cannula_above_6_l_min_coded_low_flow_must_be_coded_high_flow():
    problems = crs_problems(obs(device="low_flow_nc_le6", flow=6.1))
    assert list(problems) == ["o2_device"]
    assert "high-flow" in problems["o2_device"]


def test_nasal_cannula_at_6_l_min_or_less_coded_high_flow_must_be_coded_low_flow():
    problems = crs_problems(obs(device="high_flow_nc_gt6", flow=6.0))
    assert list(problems) == ["o2_device"]
    assert "low-flow" in problems["o2_device"]
    assert crs_problems(obs(device="high_flow_nc_gt6", flow=6.1)) == {}


def test_negative_counts_and_flows_are_problems():
    assert set(crs_problems(obs(hypotension=True, pressors=-1))) == {"vasopressors_excl_vasopressin"}
    assert set(crs_problems(obs(device="face_mask", flow=-2))) == {"o2_flow_l_min"}


def test_vasopressors_without_hypotension_are_a_problem():
    assert set(crs_problems(obs(pressors=1))) == {"hypotension"}
    assert set(crs_problems(obs(vasopressin=True))) == {"hypotension"}


def test_flow_without_oxygen_device_is_a_problem():
    assert set(crs_problems(obs(device="none", flow=2))) == {"o2_flow_l_min"}
    assert crs_problems(obs(device="none", flow=0)) == {}


@pytest.mark.parametrize(("temp", "ok"), [(29.9, False), (30.0, True), (45.0, True), (45.1, False)])
def test_temperature_outside_30_to_45_c_is_a_problem(temp, ok):
    assert (crs_problems(obs(temp=temp)) == {}) is ok

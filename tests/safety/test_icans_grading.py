"""ASTCT 2019 ICANS grade and ICE score (DOMAIN.md 4.3): every domain level and ICE band edge by hand."""

import pytest

from safety.rules import (
    CONSCIOUSNESS_LABELS,
    ICE_ITEMS,
    ICP_LABELS,
    SEIZURE_LABELS,
    IcansObservation,
    icans_grade,
    icans_problems,
    ice_score,
)


def obs(ice=10, unable=False, loc="alert", seizure="none", motor=False, icp="none", died=False) -> IcansObservation:
    return IcansObservation(
        ice_score=ice,
        unable_to_perform_ice=unable,
        consciousness=loc,
        seizure=seizure,
        deep_focal_motor_weakness=motor,
        icp=icp,
        died_of_icans=died,
    )


GRADE_CASES = [
    # ICE bands: 10 -> 0, 7-9 -> 1, 3-6 -> 2, 0-2 awake -> 3, 0 unarousable -> 4
    ("ICE 10 with normal findings is no ICANS", obs(ice=10), 0),
    ("ICE 9 is grade 1", obs(ice=9), 1),
    ("ICE 7 is grade 1", obs(ice=7), 1),
    ("ICE 6 is grade 2", obs(ice=6), 2),
    ("ICE 3 is grade 2", obs(ice=3), 2),
    ("ICE 2 is grade 3", obs(ice=2), 3),
    ("ICE 0 while awake is grade 3", obs(ice=0), 3),
    ("ICE 0 because unarousable is grade 4", obs(ice=0, unable=True, loc="unarousable"), 4),
    ("ICE not performable because unarousable is grade 4", obs(ice=None, unable=True, loc="unarousable"), 4),
    ("ICE not assessed with normal findings is no ICANS", obs(ice=None), 0),
    # consciousness
    ("alert is no ICANS", obs(loc="alert"), 0),
    ("awakens spontaneously is grade 1", obs(loc="awakens_spontaneously"), 1),
    ("awakens to voice is grade 2", obs(loc="awakens_to_voice"), 2),
    ("awakens only to touch is grade 3", obs(loc="tactile_only"), 3),
    ("unarousable is grade 4", obs(loc="unarousable"), 4),
    # seizure
    ("rapidly resolving seizure is grade 3", obs(seizure="rapidly_resolving"), 3),
    ("prolonged or repetitive seizures are grade 4", obs(seizure="prolonged_or_repetitive"), 4),
    # motor
    ("deep focal motor weakness is grade 4", obs(motor=True), 4),
    # raised ICP / cerebral oedema
    ("focal oedema is grade 3", obs(icp="focal_edema"), 3),
    ("diffuse oedema is grade 4", obs(icp="diffuse_edema_or_signs"), 4),
    # most severe domain
    ("ICE 8 and awakens to voice is grade 2", obs(ice=8, loc="awakens_to_voice"), 2),
    ("ICE 5 and focal oedema is grade 3", obs(ice=5, icp="focal_edema"), 3),
    ("ICE 9 and rapidly resolving seizure is grade 3", obs(ice=9, seizure="rapidly_resolving"), 3),
    ("ICE 2 and motor weakness is grade 4", obs(ice=2, motor=True), 4),
    # death
    ("death due to ICANS is grade 5", obs(ice=None, unable=True, loc="unarousable", died=True), 5),
    ("death due to ICANS is grade 5 whatever the domains", obs(died=True), 5),
]


@pytest.mark.parametrize(("case", "observation", "expected"), GRADE_CASES, ids=[c[0] for c in GRADE_CASES])
def test_icans_grade_is_the_most_severe_astct_domain(case, observation, expected):
    assert icans_grade(observation) == expected


def all_items(value=1):
    return {code: value for code, _, _ in ICE_ITEMS}


def test_there_are_exactly_ten_ice_items_worth_one_point_each():
    assert len(ICE_ITEMS) == 10
    assert [points for _, _, points in ICE_ITEMS] == [1] * 10
    assert len({code for code, _, _ in ICE_ITEMS}) == 10


def test_ice_score_sums_the_items():
    assert ice_score(all_items(1)) == 10
    assert ice_score(all_items(0)) == 0
    items = all_items(1) | {"orientation_year": 0, "naming_object_2": False, "counts_back_by_10": 0}
    assert ice_score(items) == 7
    assert ice_score(all_items(True)) == 10


@pytest.mark.parametrize("bad", [2, -1, 0.5, "1", None])
def test_an_ice_item_out_of_range_is_refused(bad):
    with pytest.raises(ValueError, match="Orientation: month"):
        ice_score(all_items(1) | {"orientation_month": bad})


def test_a_missing_or_unknown_ice_item_is_refused():
    items = all_items(1)
    del items["writes_sentence"]
    with pytest.raises(ValueError, match="missing"):
        ice_score(items)
    with pytest.raises(ValueError, match="Unknown ICE item"):
        ice_score(all_items(1) | {"draws_clock": 1})


@pytest.mark.parametrize("bad", [11, -1])
def test_an_ice_score_outside_0_to_10_is_refused_and_reported(bad):
    with pytest.raises(ValueError):
        icans_grade(obs(ice=bad))
    assert set(icans_problems(obs(ice=bad))) == {"ice_score"}


def test_unknown_domain_codes_are_refused_and_reported():
    bad = (("consciousness", {"loc": "drowsy"}), ("seizure", {"seizure": "absence"}), ("icp", {"icp": "x"}))
    for field, kwargs in bad:
        with pytest.raises(ValueError):
            icans_grade(obs(**kwargs))
        assert field in icans_problems(obs(**kwargs))


def test_unarousable_for_ice_but_awake_or_with_a_score_is_a_problem():
    assert set(icans_problems(obs(ice=5, unable=True, loc="tactile_only"))) == {"ice_score"}
    assert set(icans_problems(obs(ice=0, unable=True, loc="alert"))) == {"consciousness"}
    assert icans_problems(obs(ice=0, unable=True, loc="unarousable")) == {}


def test_every_choice_has_a_human_label():
    assert set(CONSCIOUSNESS_LABELS) == {
        "alert",
        "awakens_spontaneously",
        "awakens_to_voice",
        "tactile_only",
        "unarousable",
    }
    assert set(SEIZURE_LABELS) == {"none", "rapidly_resolving", "prolonged_or_repetitive"}
    assert set(ICP_LABELS) == {"none", "focal_edema", "diffuse_edema_or_signs"}

"""Derived AE fields (issue 15): study day, cycle of onset, treatment-emergent flag, AE-of-special-interest groups."""

from datetime import date

import pytest

from safety.rules import AESI_LABELS, aesi_groups, cycle_of, study_day, treatment_emergent

C1D1 = date(2026, 3, 10)
CYCLES = [(2, date(2026, 4, 7)), (1, C1D1)]  # any order


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2026, 3, 8), -2), (date(2026, 3, 9), -1), (C1D1, 1), (date(2026, 3, 11), 2), (date(2026, 4, 6), 28)],
)
def test_study_day_has_no_day_zero(day, expected):
    assert study_day(day, C1D1) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 9), None),  # before cycle 1
        (C1D1, 1),
        (date(2026, 4, 6), 1),  # the day before cycle 2 starts
        (date(2026, 4, 7), 2),
        (date(2026, 9, 1), 2),  # after the last cycle: still the last one started
    ],
)
def test_cycle_of_onset_is_the_latest_cycle_started(day, expected):
    assert cycle_of(day, CYCLES) == expected
    assert cycle_of(day, []) is None


@pytest.mark.parametrize(
    ("onset", "expected"),
    [
        (date(2026, 3, 9), False),  # the day before the first dose
        (C1D1, True),  # on the first dose
        (date(2026, 5, 5), True),  # last dose
        (date(2026, 6, 4), True),  # last dose + 30 days
        (date(2026, 6, 5), False),  # last dose + 31 days
    ],
)
def test_treatment_emergent_from_first_dose_to_30_days_after_the_last(onset, expected):
    assert treatment_emergent(onset, C1D1, date(2026, 5, 5)) is expected


def test_treatment_emergent_window_is_a_setting_and_open_while_on_treatment():
    assert treatment_emergent(date(2026, 6, 4), C1D1, date(2026, 5, 5), window_days=7) is False
    assert treatment_emergent(date(2027, 1, 1), C1D1, None) is True
    assert treatment_emergent(date(2026, 3, 11), None, None) is False


def test_aesi_groups_by_term_and_by_soc():
    assert aesi_groups("cytokine_release_syndrome", "Immune system disorders") == ("crs",)
    assert aesi_groups("encephalopathy", "Nervous system disorders") == ("neurological",)
    assert aesi_groups("immune_effector_cell_associated_neurotoxicity_syndrome", "Nervous system disorders") == (
        "neurological",
    )
    assert aesi_groups("tumor_lysis_syndrome", "Metabolism and nutrition disorders") == ("tls",)
    assert aesi_groups("alanine_aminotransferase_increased", "Investigations") == ("hepatotoxicity",)
    assert aesi_groups("infusion_related_reaction", "Injury, poisoning and procedural complications") == (
        "infusion_reactions",
    )
    # every term of the infections SOC, "Other, specify" included
    assert aesi_groups("infections_and_infestations_other_specify", "Infections and infestations") == ("infections",)
    assert aesi_groups("nausea", "Gastrointestinal disorders") == ()
    assert aesi_groups("peripheral_sensory_neuropathy", "Nervous system disorders") == ()


def test_aesi_groups_are_a_setting():
    groups = {"pancreatitis": {"pancreatitis"}}
    assert aesi_groups("pancreatitis", "Gastrointestinal disorders", groups=groups, socs={}) == ("pancreatitis",)
    assert aesi_groups("sepsis", "Infections and infestations", groups=groups, socs={}) == ()
    assert set(AESI_LABELS) == {"crs", "neurological", "tls", "infections", "hepatotoxicity", "infusion_reactions"}

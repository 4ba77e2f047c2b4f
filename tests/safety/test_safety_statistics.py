"""Safety statistics (issue 15): AE table, worst grades, CRS/ICANS summary, deaths, monitoring boundary.

Expected numbers are written by hand from the facts below; the posterior is checked against closed
forms, scipy.special.betainc and the shared binomial reference table (Beta-binomial identity).
"""

import csv
from datetime import date
from pathlib import Path

import pytest
from scipy.special import betainc

from safety.calculations import (
    AeFact,
    BoundarySettings,
    CrsIcansEvent,
    ae_table,
    ae_table_from_summaries,
    boundary_crossed,
    crs_icans_summary,
    deaths_within,
    participant_ae_summary,
    posterior_prob_rate_exceeds,
    safety_boundary,
    worst_grade_by_participant,
)

GI, IMMUNE, INV, INF, NERV = (
    "Gastrointestinal disorders",
    "Immune system disorders",
    "Investigations",
    "Infections and infestations",
    "Nervous system disorders",
)
CRS = "Cytokine release syndrome"


def fact(p, term, soc, grade, *, serious=False, te=True, related=None, cycle=1, aesi=()):
    return AeFact(
        participant_key=p,
        term=term,
        soc=soc,
        grade=grade,
        serious=serious,
        onset=date(2026, 1, 5),
        treatment_emergent=te,
        related=related or {},
        cycle=cycle,
        aesi=aesi,
    )


FACTS = [
    fact("P1", CRS, IMMUNE, 2, related={"blinatumomab": "possible"}, aesi=("crs",)),
    fact("P1", CRS, IMMUNE, 3, serious=True, related={"blinatumomab": "probable"}, cycle=2, aesi=("crs",)),
    fact("P1", "Nausea", GI, 1, related={"dexamethasone": "unlikely", "vindesine": "possible"}),
    fact("P2", "Neutrophil count decreased", INV, 4, related={"cyclophosphamide": "definite"}),
    fact("P2", "Sepsis", INF, 5, serious=True, related={"blinatumomab": "not_related"}, aesi=("infections",)),
    fact("P3", "Nausea", GI, 2, related={"vindesine": "not_related"}),
    fact("P3", "Vomiting", GI, 1, cycle=2),
    fact("P3", "Headache", NERV, 1, te=False, cycle=None),  # before the first dose: not counted
    fact("P4", "Headache", NERV, 3, te=False, cycle=None),  # > 30 days after the last dose: not counted
    fact("P4", "Constipation", GI, 2, related={"vindesine": "probable"}),
]
N_TREATED = 5  # P5 was treated and had no AE


def rows_by_key(rows):
    return {r.key: r for r in rows}


def test_ae_table_summary_rows_count_each_participant_once_at_the_worst_grade():
    rows = rows_by_key(ae_table(FACTS, N_TREATED))
    expected = {  # key: (n, pct, n_grade3plus, by_worst_grade, participants)
        "any": (4, 80.0, 2, {2: 2, 3: 1, 5: 1}, ("P1", "P2", "P3", "P4")),
        "grade3plus": (2, 40.0, 2, {3: 1, 5: 1}, ("P1", "P2")),
        "grade5": (1, 20.0, 1, {5: 1}, ("P2",)),
        "serious": (2, 40.0, 2, {3: 1, 5: 1}, ("P1", "P2")),
        "related:blinatumomab": (1, 20.0, 1, {3: 1}, ("P1",)),
        "related:vindesine": (2, 40.0, 0, {1: 1, 2: 1}, ("P1", "P4")),
        "related:cyclophosphamide": (1, 20.0, 1, {4: 1}, ("P2",)),
        "related:dexamethasone": (0, 0.0, 0, {}, ()),
        "related:venetoclax": (0, 0.0, 0, {}, ()),
        "aesi:crs": (1, 20.0, 1, {3: 1}, ("P1",)),
        "aesi:infections": (1, 20.0, 1, {5: 1}, ("P2",)),
        "aesi:tls": (0, 0.0, 0, {}, ()),
    }
    for key, (n, pct, n3, by_grade, participants) in expected.items():
        row = rows[key]
        assert (row.n, row.pct, row.n_grade3plus, row.by_worst_grade, row.participants) == (
            n,
            pct,
            n3,
            by_grade,
            participants,
        ), key


def test_ae_table_lists_socs_then_their_terms_most_frequent_first():
    rows = [r for r in ae_table(FACTS, N_TREATED) if r.kind != "summary"]
    assert [(r.kind, r.label, r.n, r.n_grade3plus) for r in rows] == [
        ("soc", GI, 3, 0),
        ("term", "Nausea", 2, 0),
        ("term", "Constipation", 1, 0),
        ("term", "Vomiting", 1, 0),
        ("soc", IMMUNE, 1, 1),
        ("term", CRS, 1, 1),
        ("soc", INF, 1, 1),
        ("term", "Sepsis", 1, 1),
        ("soc", INV, 1, 1),
        ("term", "Neutrophil count decreased", 1, 1),
    ]  # Nervous system disorders: only non-treatment-emergent headaches, so no row
    gi = rows[0]
    assert gi.pct == 60.0
    assert gi.by_worst_grade == {1: 1, 2: 2}  # P1 at 1, P3 and P4 at 2
    assert rows[1].participants == ("P1", "P3")


def test_ae_table_counts_agree_with_an_independent_count():
    """A second count written without the module: participants per SOC among treatment-emergent facts."""
    independent = {}
    for f in FACTS:
        if f.treatment_emergent:
            independent.setdefault(f.soc, set()).add(f.participant_key)
    rows = {r.soc: r.n for r in ae_table(FACTS, N_TREATED) if r.kind == "soc"}
    assert rows == {soc: len(ps) for soc, ps in independent.items()}


def test_ae_table_from_stored_summaries_equals_the_table_from_facts():
    summaries = {}
    for p in ("P1", "P2", "P3", "P4"):
        summaries[p] = participant_ae_summary([f for f in FACTS if f.participant_key == p])
    assert summaries["P1"] == {
        "any": 3,
        "serious": 3,
        "related:blinatumomab": 3,
        "related:vindesine": 1,
        "aesi:crs": 3,
        f"soc:{IMMUNE}": 3,
        f"term:{IMMUNE}|{CRS}": 3,
        f"soc:{GI}": 1,
        f"term:{GI}|Nausea": 1,
    }
    assert ae_table_from_summaries(summaries, N_TREATED) == ae_table(FACTS, N_TREATED)


def test_ae_table_with_nobody_treated_has_no_percentages():
    rows = rows_by_key(ae_table([], 0))
    assert rows["any"].n == 0 and rows["any"].pct is None


def test_worst_grade_by_participant_overall_and_by_cycle():
    worst = worst_grade_by_participant(FACTS)
    assert {p: (w.overall, w.by_cycle) for p, w in worst.items()} == {
        "P1": (3, {1: 2, 2: 3}),
        "P2": (5, {1: 5}),
        "P3": (2, {1: 2, 2: 1}),
        "P4": (2, {1: 2}),
    }
    everything = worst_grade_by_participant(FACTS, treatment_emergent_only=False)
    assert (everything["P4"].overall, everything["P4"].by_cycle) == (3, {1: 2})


# --- CRS / ICANS --------------------------------------------------------------------------------


def test_crs_summary_gives_incidence_worst_grade_onset_day_and_duration():
    events = [
        CrsIcansEvent("P1", "crs", 2, date(2026, 1, 2), date(2026, 1, 4), 1),  # day 2, 3 days
        CrsIcansEvent("P1", "crs", 3, date(2026, 2, 1), None, 2),  # day 4 of the C2 infusion, ongoing
        CrsIcansEvent("P2", "crs", 1, date(2026, 1, 1), date(2026, 1, 1), 1),  # day 1, 1 day
        CrsIcansEvent("P3", "icans", 3, date(2026, 1, 3), date(2026, 1, 5), 1),
    ]
    starts = {("P1", 1): date(2026, 1, 1), ("P1", 2): date(2026, 1, 29), ("P2", 1): date(2026, 1, 1)}
    crs = crs_icans_summary(events, "crs", infusion_starts=starts, n_treated=5)
    assert (crs.n, crs.pct, crs.n_grade3plus, crs.pct_grade3plus) == (2, 40.0, 1, 20.0)
    assert crs.worst_grade_counts == {1: 1, 3: 1}
    assert [(e.participant_key, e.onset_day, e.duration_days) for e in crs.events] == [
        ("P1", 2, 3),
        ("P1", 4, None),
        ("P2", 1, 1),
    ]
    assert crs.median_onset_day == 2.0
    assert crs.median_duration_days == 2.0
    icans = crs_icans_summary(events, "icans", infusion_starts=starts, n_treated=5)
    assert (icans.n, icans.participants, icans.events[0].onset_day) == (1, ("P3",), None)  # no infusion start given


# --- Deaths -------------------------------------------------------------------------------------


def test_deaths_within_30_and_60_days_of_c1d1_count_c1d1_as_day_1():
    c1d1 = date(2026, 1, 1)
    deaths = {
        "A": date(2026, 1, 30),  # day 30
        "B": date(2026, 1, 31),  # day 31
        "C": date(2026, 3, 1),  # day 60
        "D": date(2026, 3, 2),  # day 61
        "E": date(2026, 1, 10),  # never treated
        "F": None,
    }
    c1d1s = {"A": c1d1, "B": c1d1, "C": c1d1, "D": c1d1, "E": None, "F": c1d1}
    assert deaths_within(30, deaths, c1d1s) == ("A",)
    assert deaths_within(60, deaths, c1d1s) == ("A", "B", "C")


# --- Monitoring boundary ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "n", "expected"),
    [
        (0, 0, 0.8),  # the uniform prior alone: P(p > 0.2) = 0.8
        (1, 1, 0.96),  # Beta(2, 1): 1 - 0.2^2
        (0, 1, 0.64),  # Beta(1, 2): (1 - 0.2)^2
        (3, 3, 0.9984),  # Beta(4, 1): 1 - 0.2^4
        (0, 5, 0.262144),  # Beta(1, 6): 0.8^6
        (1, 5, 0.65536),  # Beta(2, 5): P(Bin(6, 0.2) <= 1) = 0.8^6 + 6 x 0.2 x 0.8^5
        (3, 5, 0.98304),  # Beta(4, 3): 1 - P(Bin(6, 0.2) >= 4)
    ],
)
def test_posterior_matches_closed_forms_under_a_uniform_prior(events, n, expected):
    assert posterior_prob_rate_exceeds(events, n) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("events", "n", "threshold", "a", "b"), [(4, 20, 0.2, 1, 1), (7, 12, 0.35, 0.5, 0.5)])
def test_posterior_matches_the_regularised_incomplete_beta(events, n, threshold, a, b):
    expected = 1 - betainc(a + events, b + n - events, threshold)
    assert posterior_prob_rate_exceeds(events, n, threshold, a, b) == pytest.approx(expected, rel=1e-12)


def test_posterior_matches_the_shared_binomial_reference_table():
    # Beta(1 + k, 1 + 19 - k) tail above t = P(Bin(20, t) <= k) = 1 - P(X >= k + 1), from reference/.
    table = Path(__file__).resolve().parents[3] / "shared" / "reference" / "binomial_tail_n20.csv"
    with table.open(encoding="utf-8") as handle:
        rows = {(float(r["p"]), int(r["r_reject_if_x_ge"])): float(r["prob_x_ge_r"]) for r in csv.DictReader(handle)}
    assert posterior_prob_rate_exceeds(9, 19, threshold=0.3) == pytest.approx(1 - rows[(0.3, 10)], abs=1e-6)
    assert posterior_prob_rate_exceeds(10, 19, threshold=0.3) == pytest.approx(1 - rows[(0.3, 11)], abs=1e-6)
    assert 1 - rows[(0.3, 10)] == pytest.approx(0.952038)


def test_posterior_refuses_impossible_counts():
    with pytest.raises(ValueError):
        posterior_prob_rate_exceeds(3, 2)
    with pytest.raises(ValueError):
        posterior_prob_rate_exceeds(-1, 2)
    with pytest.raises(ValueError):
        posterior_prob_rate_exceeds(1, 2, a=0)


def test_boundary_is_crossed_only_above_the_cutoff():
    assert boundary_crossed(0.91) is True
    assert boundary_crossed(0.9) is False
    assert boundary_crossed(0.89) is False
    assert boundary_crossed(0.85, cutoff=0.8) is True


def test_safety_boundary_counts_participants_with_grade_3_or_more_crs_or_icans():
    result = safety_boundary(FACTS, N_TREATED)
    assert (result.events, result.n, result.participants) == (1, 5, ("P1",))
    assert result.probability == pytest.approx(0.65536)
    assert result.crossed is False
    more = FACTS + [
        fact("P3", "Immune effector cell-associated neurotoxicity syndrome", NERV, 3),
        fact("P4", CRS, IMMUNE, 4),
        fact("P5", CRS, IMMUNE, 2),  # grade 2: not an event
    ]
    result = safety_boundary(more, N_TREATED)
    assert (result.events, result.participants) == (3, ("P1", "P3", "P4"))
    assert result.probability == pytest.approx(0.98304)
    assert result.crossed is True
    assert safety_boundary(more, N_TREATED, BoundarySettings(min_grade=4)).participants == ("P4",)

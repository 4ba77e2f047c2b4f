"""The status matrix's cell states, from plain counts and flags (integrity.rules, no database)."""

import pytest

from integrity.rules import (
    COMPLETE,
    INCOMPLETE,
    LOCKED,
    NOT_STARTED,
    OPEN_QUERY,
    SIGNED,
    STATE_LABELS,
    STATE_MEANINGS,
    VERIFIED,
    CellFacts,
    cell_states,
)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (CellFacts(expected=3, entered=0), (NOT_STARTED,)),
        (CellFacts(expected=3, entered=1), (INCOMPLETE,)),
        (CellFacts(expected=3, entered=2), (INCOMPLETE,)),
        (CellFacts(expected=3, entered=3), (COMPLETE,)),
        (CellFacts(expected=1, entered=1), (COMPLETE,)),
        (CellFacts(expected=2, entered=5), (COMPLETE,)),  # more records than expected (two follow-up contacts)
        (CellFacts(expected=3, entered=3, open_queries=1), (COMPLETE, OPEN_QUERY)),
        (CellFacts(expected=3, entered=2, open_queries=4), (INCOMPLETE, OPEN_QUERY)),
        (CellFacts(expected=3, entered=0, open_queries=0, locked=True), (NOT_STARTED, LOCKED)),
        (CellFacts(expected=3, entered=3, signed=True), (COMPLETE, SIGNED)),
        (CellFacts(expected=3, entered=3, open_queries=1, signed=True, locked=True),
         (COMPLETE, OPEN_QUERY, SIGNED, LOCKED)),
    ],
)
def test_cell_states_when_counts_and_flags_given(facts, expected):
    assert cell_states(facts) == expected


def test_every_state_has_words_and_a_meaning():
    states = (NOT_STARTED, INCOMPLETE, COMPLETE, VERIFIED, OPEN_QUERY, SIGNED, LOCKED)
    assert set(STATE_LABELS) == set(STATE_MEANINGS) == set(states)
    assert all("_" not in label for label in STATE_LABELS.values())

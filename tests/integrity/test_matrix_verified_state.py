"""The status matrix's "verified" state (integrity.rules, no database): complete forms whose critical values are
all verified; it stands in for "complete" in what the cell prints, and open query, signed and locked follow it."""

import pytest

from integrity.rules import (
    COMPLETE,
    INCOMPLETE,
    LOCKED,
    NOT_STARTED,
    OPEN_QUERY,
    SIGNED,
    VERIFIED,
    CellFacts,
    cell_states,
    shown_states,
)


@pytest.mark.parametrize(
    ("facts", "states", "shown"),
    [
        # an end of cycle: marrow (3 critical values), flow MRD (3), response call (1) = 7, all verified
        (CellFacts(expected=3, entered=3, critical=7, verified=7), (COMPLETE, VERIFIED), (VERIFIED,)),
        # one of the seven not verified (never marked, or its mark cleared by an edit)
        (CellFacts(expected=3, entered=3, critical=7, verified=6), (COMPLETE,), (COMPLETE,)),
        # a cycle: complete, but no form of it holds a critical value: nothing to verify, never "verified"
        (CellFacts(expected=4, entered=4, critical=0, verified=0), (COMPLETE,), (COMPLETE,)),
        # the marrow verified, the call not entered yet: incomplete, whatever is verified
        (CellFacts(expected=3, entered=2, critical=6, verified=6), (INCOMPLETE,), (INCOMPLETE,)),
        (CellFacts(expected=3, entered=0), (NOT_STARTED,), (NOT_STARTED,)),
        # the flags follow and neither hide "verified" nor are hidden by it
        (CellFacts(expected=3, entered=3, critical=7, verified=7, open_queries=1),
         (COMPLETE, VERIFIED, OPEN_QUERY), (VERIFIED, OPEN_QUERY)),
        (CellFacts(expected=3, entered=3, critical=7, verified=7, open_queries=2, signed=True, locked=True),
         (COMPLETE, VERIFIED, OPEN_QUERY, SIGNED, LOCKED), (VERIFIED, OPEN_QUERY, SIGNED, LOCKED)),
        # signed and locked without verification: still only complete
        (CellFacts(expected=3, entered=3, critical=7, verified=0, signed=True, locked=True),
         (COMPLETE, SIGNED, LOCKED), (COMPLETE, SIGNED, LOCKED)),
    ],
)
def test_verified_when_complete_and_every_critical_value_verified(facts, states, shown):
    assert cell_states(facts) == states
    assert shown_states(cell_states(facts)) == shown

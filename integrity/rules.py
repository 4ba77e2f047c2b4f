"""The state of one participant × timepoint cell of the status matrix (pure, no Django).

A cell groups the forms of one timepoint. Its progress says how many of the forms the timepoint expects
hold data; its flags say what the integrity workflow knows about them. The matrix page (assessments) counts
the forms and the flags; this module alone decides the words.
"""

from dataclasses import dataclass

NOT_STARTED = "not_started"
INCOMPLETE = "incomplete"
COMPLETE = "complete"
OPEN_QUERY = "open_query"
SIGNED = "signed"
LOCKED = "locked"

STATE_LABELS = {
    NOT_STARTED: "not started",
    INCOMPLETE: "incomplete",
    COMPLETE: "complete",
    OPEN_QUERY: "open query",
    SIGNED: "signed",
    LOCKED: "locked",
}
STATE_MEANINGS = {
    NOT_STARTED: "no form of the timepoint holds data yet",
    INCOMPLETE: "some of the timepoint's forms hold data, not all",
    COMPLETE: "every form the timepoint expects holds data",
    OPEN_QUERY: "a data query on one of its forms is not closed yet (open or answered)",
    SIGNED: "an investigator's e-signature of the timepoint or of the whole casebook, not marked broken",
    LOCKED: "an active timepoint, participant or study lock covers it",
}


@dataclass(frozen=True)
class CellFacts:
    expected: int  # forms (or form items) the timepoint expects
    entered: int  # of those, the ones holding data
    open_queries: int = 0
    signed: bool = False
    locked: bool = False


def progress(expected: int, entered: int) -> str:
    """not started / incomplete / complete, from how many expected forms hold data."""
    if entered <= 0:
        return NOT_STARTED
    return COMPLETE if entered >= expected else INCOMPLETE


def cell_states(facts: CellFacts) -> tuple[str, ...]:
    """The states of a cell: its progress first, then open query, signed and locked when they apply."""
    states = [progress(facts.expected, facts.entered)]
    if facts.open_queries > 0:
        states.append(OPEN_QUERY)
    if facts.signed:
        states.append(SIGNED)
    if facts.locked:
        states.append(LOCKED)
    return tuple(states)

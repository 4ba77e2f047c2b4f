"""The parts a casebook is assembled from (see enrollment.casebook): plain data each app's section returns.

They live in the ground layer so that every app, integrity's own section included, can build one.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str  # e.g. "consent", "dose", "marrow", "follow-up"
    label: str
    url: str | None = None
    flag: str | None = None  # e.g. "investigator call differs from derived response"


@dataclass(frozen=True)
class DueItem:
    label: str
    target: date
    window_start: date
    window_end: date
    status: str  # "due" | "overdue" | "upcoming" | "done" | "missed"
    url: str | None = None


@dataclass
class CasebookSection:
    title: str
    template: str
    context: dict
    order: int = 100
    timeline: list[TimelineEntry] = field(default_factory=list)
    due: list[DueItem] = field(default_factory=list)
    # True when the rendering changes with the clock, not only with the data and the day (an infusion still
    # running, an SAE reporting clock still counting): the casebook is then rendered afresh on every request.
    live: bool = False

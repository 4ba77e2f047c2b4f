"""The participant casebook is assembled from sections that each app provides.

Contract: an app lists a provider in SECTION_PROVIDERS; the provider is a function
`section(participant, user) -> CasebookSection` that runs a bounded number of SQL queries (not
growing with the participant's records), and may return timeline entries and due items with it.
"""

from dataclasses import dataclass, field
from datetime import date

SECTION_PROVIDERS = (
    "cycles.casebook.section",
    "assessments.casebook.section",
    "integrity.casebook.section",
)


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

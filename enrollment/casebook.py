"""The participant casebook is assembled from sections that each app provides.

Contract: an app lists a provider in SECTION_PROVIDERS; the provider is a function
`section(participant, user) -> CasebookSection` that runs a bounded number of SQL queries (not
growing with the participant's records), and may return timeline entries and due items with it.
"""

from integrity.sections import CasebookSection, DueItem, TimelineEntry

SECTION_PROVIDERS = (
    "cycles.casebook.section",
    "assessments.casebook.section",
    "safety.casebook.section",
    "integrity.casebook.section",
)

__all__ = ["SECTION_PROVIDERS", "CasebookSection", "DueItem", "TimelineEntry"]

"""Template filters of the enrollment pages."""

from django import template

from enrollment import rules
from enrollment.presenters import status_badge_class

register = template.Library()


@register.filter
def badge_class(status: str) -> str:
    """Bootstrap badge class of a screening or participant status."""
    return status_badge_class(status)


@register.filter
def shown(message) -> str:
    """A rule's message (rules.Message: English when stored) in the reader's language."""
    return rules.shown(message)


@register.filter
def timeline_kind(kind: str) -> str:
    """The kind of a casebook timeline entry, translated (as given when unknown)."""
    from enrollment.views import TIMELINE_KINDS

    return str(TIMELINE_KINDS.get(kind, kind))


@register.filter
def due_state(state: str) -> str:
    """The state of a casebook due item (overdue, due, upcoming, missed, done), translated."""
    from enrollment.views import DUE_STATES

    return str(DUE_STATES.get(state, state))

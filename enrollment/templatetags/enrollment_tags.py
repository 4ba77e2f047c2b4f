"""Template filters of the enrollment pages."""

from django import template

from enrollment.presenters import status_badge_class

register = template.Library()


@register.filter
def badge_class(status: str) -> str:
    """Bootstrap badge class of a screening or participant status."""
    return status_badge_class(status)

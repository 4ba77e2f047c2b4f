"""`{{ value|shown }}`: a derived code or its words in the reader's language (assessments.display)."""

from django import template

from assessments import display

register = template.Library()


@register.filter(name="shown")
def shown_filter(value):
    return display.shown(value)

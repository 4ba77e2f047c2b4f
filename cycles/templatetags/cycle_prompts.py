"""Template tags of the treatment pages: what a page shows from data its view already read (no query)."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext

from cycles import casebook, rules
from cycles.shown import shown
from cycles.text import Message

register = template.Library()


@register.simple_tag
def next_cycle_due(participant, calendar_rows) -> rules.NextCycleDue | None:
    """The next cycle's due date and window on the calendar page, from its (cycle, calendar) rows."""
    return casebook.next_cycle_prompt(participant, [cycle for cycle, _ in calendar_rows], timezone.localdate())


@register.filter
def cycle_text(text) -> str:
    """A treatment rule's message, a visit's status or window, or a regimen's label, in the reader's language
    (cycles.shown): the rules keep their texts in English."""
    if isinstance(text, str) and not isinstance(text, Message):
        return gettext(text) if text else text
    return shown(text)

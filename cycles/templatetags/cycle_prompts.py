"""Template tags of the treatment pages: what a page shows from data its view already read (no query)."""

from django import template
from django.utils import timezone

from cycles import casebook, rules

register = template.Library()


@register.simple_tag
def next_cycle_due(participant, calendar_rows) -> rules.NextCycleDue | None:
    """The next cycle's due date and window on the calendar page, from its (cycle, calendar) rows."""
    return casebook.next_cycle_prompt(participant, [cycle for cycle, _ in calendar_rows], timezone.localdate())

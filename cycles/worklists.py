"""Cycles' work list on the home page: the visits due or overdue at the user's sites (the visit calendar)."""

from django.urls import reverse
from django.utils import timezone

from blinatrial.access import COORDINATOR
from blinatrial.dates import shown_date
from blinatrial.worklist import MAX_ITEMS, WorkItem, WorkList, register
from cycles import rules, services
from cycles.models import Cycle


@register("visits-due", roles=(COORDINATOR,), order=10)
def visits_due(user) -> WorkList:
    """Every scheduled visit due today or overdue, overdue first (3 queries, like the due-visits page)."""
    cycles = list(Cycle.objects.visible_to(user).filter(participant__is_deleted=False).select_related("participant"))
    cals = services.calendars(cycles, timezone.localdate())
    rows = [(c, v) for c in cycles for v in cals[c.pk] if v.status in (rules.DUE, rules.OVERDUE)]
    rows.sort(key=lambda r: (r[1].status != rules.OVERDUE, r[1].window_end, r[0].participant.participant_id))
    items = [
        WorkItem(
            label=f"{c.participant.participant_id} · Cycle {c.number} · {v.label}",
            url=reverse("cycles:visit-record", args=[c.pk, v.code]),
            note=(f"overdue since {shown_date(v.window_end)}" if v.status == rules.OVERDUE
                  else f"due by {shown_date(v.window_end)}"),
            urgent=v.status == rules.OVERDUE,
        )
        for c, v in rows[:MAX_ITEMS]
    ]
    return WorkList(key="visits-due", title="Visits due or overdue", items=items, total=len(rows),
                    more_url=reverse("cycles:due-visits"), empty="No visit due or overdue.")

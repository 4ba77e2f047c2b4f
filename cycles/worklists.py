"""Cycles' work lists on the home page: the visits due or overdue at the user's sites (the visit calendar), and the
next cycles to start (their window open or closed)."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from blinatrial.access import COORDINATOR
from blinatrial.worklist import MAX_ITEMS, WorkItem, WorkList, register
from cycles import rules, services
from cycles.models import Cycle
from cycles.regimen import REGIMEN
from cycles.shown import shown


@register("visits-due", roles=(COORDINATOR,), order=10)
def visits_due(user) -> WorkList:
    """Every scheduled visit due today or overdue, overdue first (3 queries, like the due-visits page)."""
    cycles = list(Cycle.objects.visible_to(user).filter(participant__is_deleted=False).select_related("participant"))
    cals = services.calendars(cycles, timezone.localdate())
    rows = [(c, v) for c in cycles for v in cals[c.pk] if v.status in (rules.DUE, rules.OVERDUE)]
    rows.sort(key=lambda r: (r[1].status != rules.OVERDUE, r[1].window_end, r[0].participant.participant_id))
    items = [
        WorkItem(
            label=gettext("%(pid)s · Cycle %(number)s · %(label)s")
            % {"pid": c.participant.participant_id, "number": c.number, "label": gettext(v.label)},
            url=reverse("cycles:visit-record", args=[c.pk, v.code]),
            note=(gettext("%(status)s: its window closed %(date)s")
                  % {"status": shown(v.status_text).lower(), "date": rules.date_text(v.window_end)}
                  if v.status == rules.OVERDUE
                  else gettext("due by %(date)s") % {"date": rules.date_text(v.window_end)}),
            urgent=v.status == rules.OVERDUE,
        )
        for c, v in rows[:MAX_ITEMS]
    ]
    return WorkList(key="visits-due", title=gettext("Visits due or overdue"), items=items, total=len(rows),
                    more_url=reverse("cycles:due-visits"), empty=gettext("No visit due or overdue."))


def _window_open(today) -> Q:
    """Cycles whose next cycle's window has opened by `today` (day 1 + length - the window before), per cycle
    number of the regimen that has a next cycle; in SQL, so the list reads only the rows it shows."""
    q = Q(pk__in=[])
    for spec in REGIMEN.cycles:
        if REGIMEN.cycle(spec.number + 1) is not None:
            opens_after = spec.length_days - REGIMEN.next_cycle_window_before_days
            q |= Q(number=spec.number, day1_on__lte=today - timedelta(days=opens_after))
    return q


@register("cycles-due", roles=(COORDINATOR,), order=12)
def cycles_due(user) -> WorkList:
    """Participants whose next cycle's window has opened (or closed) and who have not started it, the longest
    waiting first (2 queries: the count and the rows shown); not those in follow-up or off study."""
    today = timezone.localdate()
    started_next = Cycle.objects.live().filter(participant_id=OuterRef("participant_id"), number=OuterRef("number") + 1)
    qs = (
        Cycle.objects.visible_to(user)
        .filter(_window_open(today), participant__is_deleted=False, participant__status__in=rules.STARTS_CYCLES)
        .exclude(Exists(started_next))
    )
    total = qs.count()
    items = []
    for c in qs.select_related("participant").order_by("day1_on", "participant__participant_id")[:MAX_ITEMS]:
        nxt = rules.next_cycle_due(c.participant.status, c.number, c.day1_on, today)
        late = nxt.status == rules.OVERDUE
        items.append(WorkItem(
            label=gettext("%(pid)s · Start cycle %(number)s")
            % {"pid": c.participant.participant_id, "number": nxt.number},
            url=reverse("cycles:cycle-start", args=[c.participant_id]),
            note=gettext("late: %(when)s") % {"when": shown(nxt.when_text)} if late else shown(nxt.when_text),
            urgent=late,
        ))
    return WorkList(key="cycles-due", title=gettext("Cycles to start"), items=items, total=total,
                    empty=gettext("No cycle waiting to start."),
                    hint=gettext("Listed from the day the next cycle's window opens."))

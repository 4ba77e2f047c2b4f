"""Safety's work list on the home page: serious AEs whose 24-hour report is due or overdue."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from blinatrial.access import COORDINATOR, INVESTIGATOR
from blinatrial.worklist import MAX_ITEMS, WorkItem, WorkList, register
from safety import derived
from safety.models import AdverseEvent

OPEN_CLOCKS = (derived.OVERDUE, derived.NO_AWARENESS, derived.DUE)


def _note(clock: derived.SaeClock) -> str:
    if clock.status == derived.OVERDUE:
        return gettext("report overdue by %(late)s") % {"late": clock.late_by_text}
    if clock.status == derived.DUE:
        return gettext("report due in %(left)s") % {"left": clock.due_in_text}
    return gettext("no time of awareness recorded: the clock cannot start")


@register("sae-clocks", roles=(COORDINATOR, INVESTIGATOR), order=15)
def sae_clocks(user) -> WorkList:
    """SAEs not reported yet, overdue first (one query, the SAE list's)."""
    now = timezone.now()
    rows = [r for r in derived.sae_clocks(AdverseEvent.objects.visible_to(user), now) if r.clock.status in OPEN_CLOCKS]
    items = [
        WorkItem(
            label=f"{r.ae.participant.participant_id} · {r.ae.display_term}",
            url=reverse("safety:ae-detail", args=[r.ae.pk]),
            note=_note(r.clock),
            urgent=r.clock.status != derived.DUE,
        )
        for r in rows[:MAX_ITEMS]
    ]
    return WorkList(
        key="sae-clocks",
        title=gettext("Serious AEs to report (24-hour clock)"),
        items=items,
        total=len(rows),
        more_url=reverse("safety:sae-list"),
        empty=gettext("No serious AE waiting for its report."),
    )

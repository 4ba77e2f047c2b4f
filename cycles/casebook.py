"""The treatment section of a participant's casebook: cycles, doses, blinatumomab figures, visits, HSCT."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from blinatrial.access import DATA_ENTRY_ROLES, has_role
from cycles import rules, services
from cycles.models import AdministrationStatus, Cycle, Transplant
from cycles.regimen import REGIMEN
from cycles.shown import shown
from enrollment.casebook import CasebookSection, DueItem, TimelineEntry


def next_cycle_prompt(participant, cycles: list[Cycle], today) -> rules.NextCycleDue | None:
    """The next cycle's due date and window once the last started cycle is under way (no query: the cycles
    are given, in any order); None before cycle 1, after the last cycle, in follow-up or off study."""
    last = max(cycles, key=lambda c: c.number, default=None)
    return rules.next_cycle_due(
        participant.status, last.number if last else None, last.day1_on if last else None, today
    )


def section(participant, user) -> CasebookSection:
    """Bounded: 5 queries whatever the number of cycles, doses and segments (2 when the treatment rows are
    already read in the page's shared loads)."""
    treatment = services.participant_treatment(participant.pk)  # shared with the safety section
    cycles, adms, segs = treatment.cycles, treatment.administrations, treatment.segments
    today = timezone.localdate()
    cals = services.calendars(cycles, today, adms)
    transplants = list(Transplant.objects.live().filter(participant=participant))
    now = timezone.now()
    rows, timeline, due = [], [], []
    for c in cycles:
        url = reverse("cycles:cycle-detail", args=[c.pk])
        mine = [a for a in adms if a.cycle_id == c.pk]
        blina = services.blinatumomab_summary(segs[c.pk], now=now)
        rows.append({"cycle": c, "administrations": mine, "blina": blina, "url": url})
        day1_label = gettext("Cycle %(number)s day 1") % {"number": c.number}
        timeline.append(TimelineEntry(c.day1_on, "cycle", day1_label, url))
        for a in mine:
            if a.status in (AdministrationStatus.GIVEN, AdministrationStatus.REDUCED) and a.given_on:
                flag = (gettext("reduced: %(reason)s") % {"reason": a.reason}
                        if a.status == AdministrationStatus.REDUCED else None)
                timeline.append(TimelineEntry(a.given_on, "dose", f"{a.drug_name} {a.actual_dose_mg} mg", url, flag))
        for s in segs[c.pk]:
            label = gettext("Blinatumomab %(rate)s µg/day started") % {"rate": rules.rate_text(s.rate_mcg_per_day)}
            timeline.append(TimelineEntry(timezone.localtime(s.started_at).date(), "dose", label, url))
        for v in cals[c.pk]:
            if v.status in (rules.DUE, rules.OVERDUE, rules.UPCOMING):
                visit_url = reverse("cycles:visit-record", args=[c.pk, v.code])
                label = gettext("C%(number)s %(label)s") % {"number": c.number, "label": gettext(v.label)}
                due.append(DueItem(label, v.target, v.window_start, v.window_end, v.status, visit_url))
    start = _start_link(participant, cycles, user)
    nxt = next_cycle_prompt(participant, cycles, today)
    if nxt is not None:
        url = start["url"] if start else reverse("cycles:participant-calendar", args=[participant.pk])
        start_label = gettext("Start cycle %(number)s") % {"number": nxt.number}
        due.append(DueItem(start_label, nxt.due_on, nxt.earliest_on, nxt.latest_on, nxt.status, url))
    for t in transplants:
        hsct_label = gettext("HSCT (%(donor)s)") % {"donor": t.get_donor_type_display()}
        timeline.append(TimelineEntry(t.transplanted_on, "transplant", hsct_label))
    # C1D1 from the rows already read, as services.first_dose_dates computes it in SQL for many participants
    c1d1 = rules.first_dose_on(
        [a.given_on for a in adms if a.status in services.GIVEN_STATUSES and a.given_on],
        [timezone.localtime(s.started_at).date() for c in cycles for s in segs[c.pk]],
    )
    return CasebookSection(
        title=gettext("Treatment cycles"),
        template="cycles/casebook_section.html",
        context={
            "participant": participant,
            "cycles": rows,
            "transplants": transplants,
            "calendar_url": reverse("cycles:participant-calendar", args=[participant.pk]),
            "c1d1": c1d1,  # the casebook header's C1D1 (None: not treated)
            "start": start,
            "next_cycle": nxt,
            # Visits recorded outside their window: protocol deviations (each also an automatic query).
            "deviations": [shown(v.deviation) for c in cycles for v in cals[c.pk] if v.deviation],
        },
        order=200,
        timeline=timeline,
        due=due,
        live=any(seg.stopped_at is None for c in cycles for seg in segs[c.pk]),
    )


def _start_link(participant, cycles: list[Cycle], user) -> dict | None:
    """The "Start cycle N" link for data entry roles, while the regimen has a next cycle (as on the calendar page)."""
    number = (cycles[-1].number + 1) if cycles else 1
    if REGIMEN.cycle(number) is None or not has_role(user, *DATA_ENTRY_ROLES):
        return None
    return {"number": number, "url": reverse("cycles:cycle-start", args=[participant.pk])}

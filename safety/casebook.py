"""The safety section of a participant's casebook (enrollment.casebook contract): a fixed number of queries.

AE log (investigator grade beside the grade computed from the CRS and ICANS sheets, study day, cycle,
treatment-emergent, AESI, the SAE clock), the sheets, Cairo-Bishop TLS at each cycle start (flagged for
cycle 2), laboratory values with their CTCAE grades, concomitant medications.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from blinatrial.access import DATA_ENTRY_ROLES, has_role
from enrollment.casebook import CasebookSection, DueItem, TimelineEntry
from safety import derived
from safety.protocol import SAFETY_PROTOCOL

RUNNING_CLOCKS = (derived.DUE, derived.OVERDUE)  # "due in 3 h", "overdue by 2 h": they change by the minute

DISAGREEMENT_FLAG = gettext_noop(
    "investigator grade %(grade)s differs from the ASTCT grade %(computed)s computed from the sheets"
)


def section(participant, user) -> CasebookSection:
    """Safety section of a participant's casebook (bounded number of SQL queries)."""
    now = timezone.now()
    safety = derived.derive_for_participant(participant, now=now)
    return CasebookSection(
        title=gettext("Safety: adverse events, CRS/ICANS, laboratory, medications"),
        template="safety/casebook_section.html",
        context={
            "participant": participant,
            "safety": safety,
            "sheets": [
                (row, kind, sheet)
                for row in safety.aes
                for kind, sheets in (("CRS", row.crs), ("ICANS", row.icans))
                for sheet in sheets
            ],
            "graded_labs": [lab for lab in safety.labs if lab.worst_grade],
            "can_write": has_role(user, *DATA_ENTRY_ROLES),
            "tls_before": SAFETY_PROTOCOL.tls_window_before_days,
            "tls_after": SAFETY_PROTOCOL.tls_window_after_days,
            "safety_url": reverse("safety:participant-safety", args=[participant.pk]),
        },
        order=250,
        timeline=_timeline(safety),
        due=_due(safety),
        live=any(row.clock is not None and row.clock.status in RUNNING_CLOCKS for row in safety.aes),
    )


def _timeline(safety: derived.ParticipantSafety) -> list[TimelineEntry]:
    entries = []
    for row in safety.aes:
        ae = row.ae
        if ae.serious:
            label = gettext("%(reference)s %(term)s, grade %(grade)s (serious)")
        else:
            label = gettext("%(reference)s %(term)s, grade %(grade)s")
        label = label % {"reference": ae.reference, "term": ae.display_term, "grade": ae.worst_grade}
        flag = None
        if row.disagreement:
            flag = gettext(DISAGREEMENT_FLAG) % {"grade": ae.worst_grade, "computed": row.computed_grade}
        elif row.clock is not None and row.clock.status == derived.OVERDUE:
            flag = gettext("SAE report overdue by %(late)s") % {"late": row.clock.late_by_text}
        entries.append(
            TimelineEntry(
                ae.onset_date, gettext("adverse event"), label, reverse("safety:ae-detail", args=[ae.pk]), flag
            )
        )
    for t in safety.tls:
        if t.result.laboratory or t.flagged_cycle:
            flag = t.label if (t.result.laboratory or not t.values_in_window) else None
            check = gettext("Cycle %(cycle)s TLS check: %(result)s") % {"cycle": t.cycle, "result": t.label}
            entries.append(TimelineEntry(t.day1, gettext("TLS"), check, None, flag))
    return entries


def _due(safety: derived.ParticipantSafety) -> list[DueItem]:
    items = []
    for row in safety.aes:
        clock = row.clock
        if clock is None or clock.due_at is None or clock.status not in (derived.DUE, derived.OVERDUE):
            continue
        url = reverse("safety:ae-edit", args=[row.ae.pk])
        due_on = timezone.localtime(clock.due_at).date()
        aware_on = timezone.localtime(row.ae.aware_at).date()
        items.append(
            DueItem(
                gettext("SAE initial report %(reference)s") % {"reference": row.ae.reference},
                due_on,
                aware_on,
                due_on,
                clock.status,
                url,
            )
        )
    return items

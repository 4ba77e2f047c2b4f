"""Casebook section of the assessments app (enrollment.casebook contract): a constant number of queries.

The 7 queries of ``derived.derive_for_participant`` (plus the user's roles) give everything shown: EOC1/EOC2
derived response and MRD class beside the investigator's call, every marrow, CBC, EMD and follow-up contact.
"""

from __future__ import annotations

from django.urls import reverse

from assessments import derived
from assessments.models import EOC_TIMEPOINTS, Timepoint
from blinatrial.access import COORDINATOR, DATA_MANAGER, INVESTIGATOR, has_role
from enrollment.casebook import CasebookSection, TimelineEntry
from integrity.words import words

DISAGREEMENT_FLAG = "investigator call differs from derived response"


def section(participant, user) -> CasebookSection:
    """Assessments section of a participant's casebook (bounded number of SQL queries)."""
    assessed = derived.derive_for_participant(participant.pk)
    eocs = [
        {"timepoint": tp, "label": Timepoint(tp).label, "eoc": assessed.eoc.get(tp),
         "url": reverse("assessments:eoc-detail", args=[participant.pk, tp])}
        for tp in EOC_TIMEPOINTS
    ]
    return CasebookSection(
        title="Response assessments and follow-up",
        template="assessments/casebook_section.html",
        context={
            "participant": participant,
            "assessed": assessed,
            "eocs": eocs,
            "other_marrows": [m for m in assessed.marrows if not m.is_eoc],
            "contacts": assessed.contacts,
            "can_write": has_role(user, COORDINATOR, INVESTIGATOR, DATA_MANAGER),
        },
        order=30,
        timeline=_timeline(participant, assessed),
    )


def _timeline(participant, assessed: derived.ParticipantAssessments) -> list[TimelineEntry]:
    entries = []
    for m in assessed.marrows:
        url = (
            reverse("assessments:eoc-detail", args=[participant.pk, m.timepoint])
            if m.is_eoc
            else reverse("assessments:marrow-edit", args=[m.marrow_id])
        )
        blasts = "inadequate aspirate" if m.blasts_pct is None else f"blasts {m.blasts_pct:g} %"
        label = f"Marrow {m.timepoint}: {blasts}, derived {m.derived_response}"
        if m.investigator_call:
            label += f", investigator {m.investigator_call}"
        if m.flow_label:
            label += f", flow MRD {words(m.flow_label)}"
        flag = DISAGREEMENT_FLAG if m.disagreement else None
        entries.append(TimelineEntry(m.marrow_date, "marrow", label, url, flag))
    for c in assessed.cbcs:
        label = f"Blood count: ANC {c.anc:g}, platelets {c.plt:g} ×10⁹/L"
        label += ", circulating blasts" if c.pb_blasts else ""
        url = reverse("assessments:cbc-edit", args=[c.id])
        entries.append(TimelineEntry(c.sample_date, "blood count", label, url))
    for e in assessed.emds:
        label = f"EMD: {e.status.replace('_', ' ').lower()}, {e.cns_status}"
        entries.append(TimelineEntry(e.sample_date, "EMD", label, reverse("assessments:emd-edit", args=[e.id])))
    for c in assessed.contacts:
        label = f"Follow-up: {c.vital_status.lower()}, {c.disease_status.replace('_', ' ').lower()}"
        url = reverse("assessments:followup-edit", args=[c.id])
        entries.append(TimelineEntry(c.contact_date, "follow-up", label, url))
        if c.death_date:
            cause = c.death_cause.lower() or "cause unknown"
            entries.append(TimelineEntry(c.death_date, "death", f"Death ({cause})", url))
        if c.relapse_date:
            entries.append(TimelineEntry(c.relapse_date, "relapse", "Relapse reported at follow-up", url))
    return entries

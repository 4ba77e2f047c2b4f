"""Casebook section of the assessments app (enrollment.casebook contract): a constant number of queries.

The 7 queries of ``derived.derive_for_participant`` (plus the user's roles) give everything shown: EOC1/EOC2
derived response and MRD class beside the investigator's call, every marrow, CBC, EMD and follow-up contact.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from assessments import derived
from assessments.display import code_words, shown
from assessments.models import EOC_TIMEPOINTS, Timepoint
from blinatrial.access import COORDINATOR, DATA_MANAGER, INVESTIGATOR, has_role
from enrollment.casebook import CasebookSection, TimelineEntry

DISAGREEMENT_FLAG = _("investigator call differs from derived response")


def section(participant, user) -> CasebookSection:
    """Assessments section of a participant's casebook (bounded number of SQL queries)."""
    assessed = derived.derive_for_participant(participant.pk)
    eocs = [
        {"timepoint": tp, "label": Timepoint(tp).label, "eoc": assessed.eoc.get(tp),
         "url": reverse("assessments:eoc-detail", args=[participant.pk, tp])}
        for tp in EOC_TIMEPOINTS
    ]
    return CasebookSection(
        title=_("Response assessments and follow-up"),
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
        if m.blasts_pct is None:
            blasts = gettext("inadequate aspirate")
        else:
            blasts = gettext("blasts %(pct)s %%") % {"pct": f"{m.blasts_pct:g}"}
        label = gettext("Marrow %(timepoint)s: %(finding)s, derived %(response)s") % {
            "timepoint": shown(m.timepoint), "finding": blasts, "response": shown(m.derived_response)}
        if m.investigator_call:
            label += gettext(", investigator %(call)s") % {"call": shown(m.investigator_call)}
        if m.flow_label:
            label += gettext(", flow MRD %(mrd)s") % {"mrd": code_words(m.flow_label)}
        flag = str(DISAGREEMENT_FLAG) if m.disagreement else None
        entries.append(TimelineEntry(m.marrow_date, pgettext("timeline", "marrow"), label, url, flag))
    for c in assessed.cbcs:
        label = gettext("Blood count: ANC %(anc)s, platelets %(plt)s ×10⁹/L") % {
            "anc": f"{c.anc:g}", "plt": f"{c.plt:g}"}
        label += gettext(", circulating blasts") if c.pb_blasts else ""
        url = reverse("assessments:cbc-edit", args=[c.id])
        entries.append(TimelineEntry(c.sample_date, pgettext("timeline", "blood count"), label, url))
    for e in assessed.emds:
        label = gettext("EMD: %(status)s, %(cns)s") % {
            "status": shown(e.status.lower()), "cns": shown(e.cns_status)}
        label = label.replace("not_assessed", "not assessed")
        entries.append(TimelineEntry(e.sample_date, "EMD", label, reverse("assessments:emd-edit", args=[e.id])))
    for c in assessed.contacts:
        label = gettext("Follow-up: %(vital)s, %(disease)s") % {
            "vital": shown(c.vital_status.lower()), "disease": shown(c.disease_status.replace("_", " ").lower())}
        url = reverse("assessments:followup-edit", args=[c.id])
        entries.append(TimelineEntry(c.contact_date, pgettext("timeline", "follow-up"), label, url))
        if c.death_date:
            cause = shown(c.death_cause.lower()) if c.death_cause else gettext("cause unknown")
            entries.append(TimelineEntry(c.death_date, pgettext("timeline", "death"),
                                         gettext("Death (%(cause)s)") % {"cause": cause}, url))
        if c.relapse_date:
            entries.append(TimelineEntry(c.relapse_date, pgettext("timeline", "relapse"),
                                         gettext("Relapse reported at follow-up"), url))
    return entries

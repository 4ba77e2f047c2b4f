"""Safety pages: thin views (fetch through visible_to, bind, save through handle_record_form, render)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from blinatrial.access import COORDINATOR, DATA_ENTRY_ROLES, DATA_MANAGER, INVESTIGATOR, has_role, role_required
from enrollment.models import Participant
from integrity import signatures
from integrity.models import Signature
from integrity.recording import RECORD_READERS, handle_record_form
from safety import derived, forms, services
from safety.casebook import section as casebook_section
from safety.models import (
    AdverseEvent,
    ChemistryPanel,
    ConcomitantMedication,
    CrsAssessment,
    IcansAssessment,
    SaeFollowUpReport,
)
from safety.protocol import SAFETY_PROTOCOL

WRITE_ROLES = DATA_ENTRY_ROLES
SAE_LIST_ROLES = (COORDINATOR, INVESTIGATOR, DATA_MANAGER)
FORM_TEMPLATE = "safety/record_form.html"

# kind -> (model, form, title); the URL names are "<kind>-add" and "<kind>-edit".
PARTICIPANT_FORMS = {
    "ae": (AdverseEvent, forms.AdverseEventForm, _("Adverse event")),
    "chemistry": (ChemistryPanel, forms.ChemistryForm, _("Clinical chemistry")),
    "conmed": (ConcomitantMedication, forms.ConcomitantMedicationForm, _("Concomitant medication")),
}
AE_FORMS = {
    "crs": (CrsAssessment, forms.CrsAssessmentForm, _("CRS assessment (ASTCT 2019)")),
    "icans": (IcansAssessment, forms.IcansAssessmentForm, _("ICANS assessment (ASTCT 2019)")),
    "saefollowup": (SaeFollowUpReport, forms.SaeFollowUpForm, _("SAE follow-up report")),
}

# a record's participant, with what its form reads: the screening (trial dates) and the site (time zone)
RECORD_PARENTS = ("participant__screening", "participant__site")


def _participant(request: HttpRequest, pk: int) -> Participant:
    return get_object_or_404(Participant.objects.visible_to(request.user).select_related("screening"), pk=pk)


def _ae(request: HttpRequest, pk: int) -> AdverseEvent:
    qs = AdverseEvent.objects.visible_to(request.user).select_related(
        "participant__screening", "term", "blinatumomab_segment"
    )
    return get_object_or_404(qs, pk=pk)


def safety_url(participant: Participant) -> str:
    return reverse("safety:participant-safety", args=[participant.pk])


def ae_url(ae: AdverseEvent) -> str:
    return reverse("safety:ae-detail", args=[ae.pk])


def _render_form(request, form, *, participant, title, success_url, adverse_event=None) -> HttpResponse:
    context = {
        "participant": participant,
        "title": title,
        "adverse_event": adverse_event,
        "cancel_url": success_url(None),
    }
    return handle_record_form(
        request,
        form,
        template=FORM_TEMPLATE,
        context=context,
        success_url=success_url,
        success_message=gettext("%(title)s saved.") % {"title": title},
    )


def _after_participant_form(participant: Participant):
    def url(obj) -> str:
        return ae_url(obj) if isinstance(obj, AdverseEvent) else safety_url(participant)

    return url


@role_required(*WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def participant_record_add(request: HttpRequest, participant_pk: int, kind: str) -> HttpResponse:
    _, form_class, title = PARTICIPANT_FORMS[kind]
    participant = _participant(request, participant_pk)
    form = form_class(request.POST or None, participant=participant)
    return _render_form(
        request, form, participant=participant, title=title, success_url=_after_participant_form(participant)
    )


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def participant_record_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    model, form_class, title = PARTICIPANT_FORMS[kind]
    record = get_object_or_404(model.objects.visible_to(request.user).select_related(*RECORD_PARENTS), pk=pk)
    participant = record.participant
    form = form_class(request.POST or None, instance=record, participant=participant)
    return _render_form(
        request, form, participant=participant, title=title, success_url=_after_participant_form(participant)
    )


@role_required(*WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def ae_record_add(request: HttpRequest, ae_pk: int, kind: str) -> HttpResponse:
    _, form_class, title = AE_FORMS[kind]
    ae = _ae(request, ae_pk)
    form = form_class(request.POST or None, adverse_event=ae)
    return _render_form(
        request, form, participant=ae.participant, title=title, adverse_event=ae, success_url=lambda obj: ae_url(ae)
    )


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def ae_record_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    model, form_class, title = AE_FORMS[kind]
    qs = model.objects.visible_to(request.user).select_related(
        "adverse_event__participant__screening", "adverse_event__term"
    )
    record = get_object_or_404(qs, pk=pk)
    ae = record.adverse_event
    form = form_class(request.POST or None, instance=record, adverse_event=ae)
    return _render_form(
        request, form, participant=ae.participant, title=title, adverse_event=ae, success_url=lambda obj: ae_url(ae)
    )


@require_GET
def ae_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One AE: what was entered, what is derived (study day, cycle, TEAE, AESI, ASTCT grade from the sheets),
    its CRS/ICANS sheets, the SAE clock and follow-ups, and the investigator's signature of its assessment."""
    ae = _ae(request, pk)
    participant = ae.participant
    safety = derived.derive_for_participant(participant)
    row = next(r for r in safety.aes if r.ae.pk == ae.pk)
    groups = services.ae_groups(ae)
    sheet_blocks = [
        (kind, sheets, reverse(f"safety:{kind.lower()}-add", args=[ae.pk]), f"safety:{kind.lower()}-edit")
        for kind, group, sheets in (
            ("CRS", SAFETY_PROTOCOL.crs_sheet_group, row.crs),
            ("ICANS", SAFETY_PROTOCOL.icans_sheet_group, row.icans),
        )
        if group in groups or sheets
    ]
    sigs = list(Signature.objects.filter(participant=participant, timepoint=ae.reference).select_related("signer"))
    states = signatures.validity(sigs) if sigs else {}
    return render(
        request,
        "safety/ae_detail.html",
        {
            "participant": participant,
            "row": row,
            "ae": ae,
            "clock": row.clock,
            "sheet_blocks": sheet_blocks,
            "follow_ups": list(ae.follow_up_reports.filter(is_deleted=False)),
            "medications": [m for m in safety.medications if m.adverse_event_id == ae.pk],
            "signatures": [(s, states.get(s.pk, True)) for s in sigs],
            "can_write": has_role(request.user, *WRITE_ROLES),
            "can_sign": has_role(request.user, INVESTIGATOR),
            "sign_url": f"{reverse('integrity:sign', args=[participant.pk])}?timepoint={ae.reference}",
            "safety_url": safety_url(participant),
        },
    )


@require_GET
def participant_safety(request: HttpRequest, participant_pk: int) -> HttpResponse:
    """The AE log of one participant, with the sheets, laboratory grades, TLS and medications."""
    participant = _participant(request, participant_pk)
    section = casebook_section(participant, request.user)
    return render(
        request,
        "safety/participant_safety.html",
        {
            "participant": participant,
            "section": section,
            **section.context,
            "casebook_url": reverse("enrollment:participant-detail", args=[participant.pk]),
        },
    )


@role_required(*SAE_LIST_ROLES)
@require_GET
def sae_list(request: HttpRequest) -> HttpResponse:
    """Every live serious AE of the user's sites with its 24-hour reporting clock (a fixed number of queries)."""
    rows = derived.sae_clocks(AdverseEvent.objects.visible_to(request.user), timezone.now())
    return render(request, "safety/sae_list.html", {"rows": rows, "now": timezone.now()})

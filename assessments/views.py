"""Assessment pages: thin views (fetch through visible_to, bind, save through handle_record_form)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from assessments import derived, forms, lab_file, lab_import, matrix
from assessments.casebook import section as casebook_section
from assessments.models import (
    EOC_TIMEPOINTS,
    BloodCount,
    BoneMarrowAssessment,
    ExtramedullaryDisease,
    FlowMrd,
    FollowUpContact,
    NgsMrd,
    ResponseCall,
    Timepoint,
)
from blinatrial.access import DATA_ENTRY_ROLES, has_role, role_required, visible_site_ids
from blinatrial.params import parse_query
from enrollment.models import Participant, Site
from integrity.forms import TimepointParams
from integrity.recording import RECORD_READERS, handle_record_form
from integrity.rules import STATE_LABELS

WRITE_ROLES = DATA_ENTRY_ROLES
FORM_TEMPLATE = "assessments/record_form.html"

# kind -> (model, form, title); the URL names are "<kind>-add" and "<kind>-edit".
PARTICIPANT_FORMS = {
    "marrow": (BoneMarrowAssessment, forms.MarrowForm, _("Bone marrow assessment")),
    "cbc": (BloodCount, forms.BloodCountForm, _("Blood count")),
    "emd": (ExtramedullaryDisease, forms.EmdForm, _("Extramedullary disease")),
    "followup": (FollowUpContact, forms.FollowUpContactForm, _("Follow-up contact")),
}
MARROW_FORMS = {
    "flow": (FlowMrd, forms.FlowMrdForm, _("Flow MRD")),
    "ngs": (NgsMrd, forms.NgsMrdForm, _("NGS MRD")),
    "call": (ResponseCall, forms.ResponseCallForm, _("Investigator's response call")),
}

# a record's participant, with what its form reads: the screening (trial dates) and the site (time zone)
RECORD_PARENTS = ("participant__screening", "participant__site")


def _participant(request: HttpRequest, pk: int) -> Participant:
    return get_object_or_404(Participant.objects.visible_to(request.user).select_related("screening", "site"), pk=pk)


def _marrow(request: HttpRequest, pk: int) -> BoneMarrowAssessment:
    qs = BoneMarrowAssessment.objects.visible_to(request.user).select_related(*RECORD_PARENTS)
    return get_object_or_404(qs, pk=pk)


def casebook_url(participant: Participant) -> str:
    return reverse("enrollment:participant-detail", args=[participant.pk])


def eoc_url(marrow: BoneMarrowAssessment) -> str:
    if marrow.timepoint in EOC_TIMEPOINTS:
        return reverse("assessments:eoc-detail", args=[marrow.participant_id, marrow.timepoint])
    return casebook_url(marrow.participant)


def _render_form(request, form, *, participant, title, success_url, marrow=None, extra=None) -> HttpResponse:
    context = {"participant": participant, "title": title, "marrow": marrow, "cancel_url": success_url(None)}
    return handle_record_form(
        request, form, template=FORM_TEMPLATE, context={**context, **(extra or {})},
        success_url=success_url, success_message=gettext("%(title)s saved.") % {"title": title},
    )


@role_required(*WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def participant_record_add(request: HttpRequest, participant_pk: int, kind: str) -> HttpResponse:
    model, form_class, title = PARTICIPANT_FORMS[kind]
    participant = _participant(request, participant_pk)
    initial = {"timepoint": parse_query(request, TimepointParams)["timepoint"]} if kind == "marrow" else None
    form = form_class(request.POST or None, participant=participant, initial=initial)
    return _render_form(request, form, participant=participant, title=title, success_url=_after_save(participant))


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def participant_record_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    model, form_class, title = PARTICIPANT_FORMS[kind]
    record = get_object_or_404(model.objects.visible_to(request.user).select_related(*RECORD_PARENTS), pk=pk)
    participant = record.participant
    form = form_class(request.POST or None, instance=record, participant=participant)
    return _render_form(request, form, participant=participant, title=title, success_url=_after_save(participant))


def _after_save(participant: Participant):
    def url(obj) -> str:
        if isinstance(obj, BoneMarrowAssessment):
            return eoc_url(obj)
        return casebook_url(participant)

    return url


@role_required(*WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def marrow_record_add(request: HttpRequest, marrow_pk: int, kind: str) -> HttpResponse:
    model, form_class, title = MARROW_FORMS[kind]
    marrow = _marrow(request, marrow_pk)
    form = form_class(request.POST or None, marrow=marrow)
    return _render_marrow_form(request, form, marrow=marrow, title=title)


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def marrow_record_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    model, form_class, title = MARROW_FORMS[kind]
    qs = model.objects.visible_to(request.user).select_related("marrow__participant__screening")
    record = get_object_or_404(qs, pk=pk)
    form = form_class(request.POST or None, instance=record, marrow=record.marrow)
    return _render_marrow_form(request, form, marrow=record.marrow, title=title)


def _render_marrow_form(request, form, *, marrow, title) -> HttpResponse:
    assessed = derived.derive_for_participant(marrow.participant_id)
    this = next((m for m in assessed.marrows if m.marrow_id == marrow.pk), None)
    proposed = form.data.get("response") if form.is_bound else None
    extra = {"derived": this, "proposed_disagrees": bool(this and proposed and proposed != this.derived_response)}
    return _render_form(
        request, form, participant=marrow.participant, title=title, marrow=marrow,
        success_url=lambda obj: eoc_url(marrow), extra=extra,
    )


@require_GET
def eoc_detail(request: HttpRequest, participant_pk: int, timepoint: str) -> HttpResponse:
    if timepoint not in EOC_TIMEPOINTS:
        raise Http404("Unknown end-of-cycle timepoint.")
    participant = _participant(request, participant_pk)
    assessed = derived.derive_for_participant(participant.pk)
    return render(request, "assessments/eoc_detail.html", {
        "participant": participant,
        "timepoint": timepoint,
        "timepoint_label": Timepoint(timepoint).label,
        "eoc": assessed.eoc.get(timepoint),
        "can_write": has_role(request.user, *WRITE_ROLES),
        "casebook_url": casebook_url(participant),
    })


@require_GET
def participant_assessments(request: HttpRequest, participant_pk: int) -> HttpResponse:
    """Every assessment of one participant (the casebook section on its own page)."""
    participant = _participant(request, participant_pk)
    section = casebook_section(participant, request.user)
    return render(request, "assessments/participant_assessments.html", {
        "participant": participant, "section": section, **section.context,
        "casebook_url": casebook_url(participant),
    })


MATRIX_PAGE_SIZE = 50


@require_GET
def status_matrix(request: HttpRequest) -> HttpResponse:
    """Participant × timepoint status: a row per participant of the user's sites, a cell per timepoint."""
    site_ids = visible_site_ids(request.user)
    sites = Site.objects.all() if site_ids is None else Site.objects.filter(pk__in=site_ids)
    site_choices = [(pk, f"{code} {name}") for pk, code, name in sites.values_list("pk", "code", "name")]
    query = parse_query(request, forms.MatrixParams, sites=site_choices)
    participants = Participant.objects.visible_to(request.user)
    if query["site"]:
        participants = participants.filter(site_id=int(query["site"]))
    rows = participants.order_by("participant_id", "pk").values("pk", "participant_id", "site__code", "screening_id")
    if state := query["state"]:  # states are derived in Python: derive every row, then keep the matching ones
        kept = [r for r in matrix.matrix_rows(list(rows)) if any(state in c.states for c in r["cells"])]
        page = Paginator(kept, MATRIX_PAGE_SIZE).get_page(query["page"])
        shown = page.object_list
    else:
        page = Paginator(rows, MATRIX_PAGE_SIZE).get_page(query["page"])
        shown = matrix.matrix_rows(list(page.object_list))
    return render(request, "assessments/status_matrix.html", {
        "page": page, "rows": shown, "columns": matrix.COLUMNS, "sites": site_choices if len(site_choices) > 1 else [],
        "site": query["site"], "state": state, "states": list(STATE_LABELS.items()),
        "legend": matrix.legend(),
    })


@csrf_exempt  # the upload handlers must be set before the CSRF check reads the body: csrf_protect below
@require_http_methods(["GET", "POST"])
def lab_result_import(request: HttpRequest) -> HttpResponse:
    """Import a central lab's MRD results file: kept in memory only (no temporary file), never stored."""
    request.upload_handlers = [MemoryFileUploadHandler(request)]
    return _lab_result_import(request)


@csrf_protect
@role_required(*WRITE_ROLES)
def _lab_result_import(request: HttpRequest) -> HttpResponse:
    limit = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    too_large = request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > limit
    form = forms.LabImportForm(
        request.POST or None, request.FILES or None,
        too_large=filesizeformat(limit).replace("\xa0", " ") if too_large else None,
    )
    report, status = None, 200
    if request.method == "POST" and form.is_valid():
        report = lab_import.run_import(
            user=request.user, data=form.cleaned_data["data"], fmt=form.cleaned_data["fmt"],
            dry_run=form.cleaned_data["dry_run"],
        )
        status = 200 if report.ok else 400
    elif request.method == "POST":
        status = 400
    return render(request, "assessments/lab_import.html", {
        "form": form, "report": report, "columns": lab_file.COLUMN_HELP, "max_rows": lab_file.MAX_ROWS,
    }, status=status)

"""Treatment pages: thin views (fetch through visible_to, bind, save through handle_record_form)."""

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from blinatrial import params
from blinatrial.access import DATA_ENTRY_ROLES, has_role, role_required
from blinatrial.dates import shown_date
from blinatrial.params import parse_query
from cycles import forms, rules, services
from cycles.models import Administration, AdministrationStatus, BlinatumomabSegment, Cycle, Transplant
from cycles.regimen import REGIMEN
from enrollment.models import Participant
from integrity import services as integrity_services
from integrity.recording import RECORD_READERS, handle_record_form, make_read_only, read_only_state

EDITORS = DATA_ENTRY_ROLES
FORM_TEMPLATE = "cycles/record_form.html"


def _participant(request: HttpRequest, pk: int) -> Participant:
    return get_object_or_404(Participant.objects.visible_to(request.user).select_related("site"), pk=pk)


def _cycle(request: HttpRequest, pk: int) -> Cycle:
    return get_object_or_404(Cycle.objects.visible_to(request.user).select_related("participant__site"), pk=pk)


def _calendar_url(participant_id: int) -> str:
    return reverse("cycles:participant-calendar", args=[participant_id])


@require_GET
def participant_calendar(request: HttpRequest, participant_pk: int) -> HttpResponse:
    """A participant's cycles, the visit calendar anchored to each actual day 1, and the transplant."""
    participant = _participant(request, participant_pk)
    cycles = list(Cycle.objects.live().filter(participant=participant).order_by("number"))
    cals = services.calendars(cycles, timezone.localdate())
    transplants = list(Transplant.objects.live().filter(participant=participant))
    nxt_number = (cycles[-1].number + 1) if cycles else 1
    return render(
        request,
        "cycles/participant_calendar.html",
        {
            "participant": participant,
            "cycles": [(c, cals[c.pk]) for c in cycles],
            "transplants": transplants,
            "can_edit": has_role(request.user, *EDITORS),
            "can_start": REGIMEN.cycle(nxt_number) is not None,
            "next_number": nxt_number,
            "regimen": REGIMEN,
        },
    )


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def cycle_start(request: HttpRequest, participant_pk: int) -> HttpResponse:
    participant = _participant(request, participant_pk)
    form = forms.CycleStartForm(request.POST or None, participant=participant)
    return handle_record_form(
        request,
        form,
        template=FORM_TEMPLATE,
        context={"participant": participant, "title": gettext("Start cycle %(number)s") % {"number": form.next.number}},
        success_url=lambda c: reverse("cycles:cycle-detail", args=[c.pk]),
        success_message=gettext("Cycle started; its administrations are planned."),
    )


@require_GET
def cycle_detail(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    """Plan vs actual, blinatumomab segments with derived figures, and the cycle's visit calendar."""
    cycle = _cycle(request, cycle_pk)
    administrations = list(Administration.objects.live().filter(cycle=cycle).order_by("planned_on", "drug_code"))
    for a in administrations:  # the rule that produced each planned dose, from the values stored with it
        a.dose_rule = rules.dose_rule(a.protocol_dose, a.protocol_dose_unit, cycle.bsa_m2, a.planned_dose_mg)
    segments = services.segments_by_cycle([cycle.pk])[cycle.pk]
    return render(
        request,
        "cycles/cycle_detail.html",
        {
            "cycle": cycle,
            "participant": cycle.participant,
            "administrations": administrations,
            "dose_days": sorted({a.cycle_day for a in administrations}),
            "segments": segments,
            "blina": services.blinatumomab_summary(segments),
            "rate_queries": services.rate_queries(cycle, segments),
            "blina_plan": services.planned_rates(cycle),
            "calendar": services.calendars([cycle], timezone.localdate())[cycle.pk],
            "can_edit": has_role(request.user, *EDITORS),
            "regimen": REGIMEN,
            "cycle_regimen": cycle.regimen,
        },
    )


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = _cycle(request, cycle_pk)
    form = forms.CycleEditForm(request.POST or None, instance=cycle)
    return handle_record_form(
        request,
        form,
        template=FORM_TEMPLATE,
        context={
            "participant": cycle.participant,
            "cycle": cycle,
            "title": gettext("Edit cycle %(number)s") % {"number": cycle.number},
        },
        success_url=reverse("cycles:cycle-detail", args=[cycle.pk]),
    )


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def administration_record(request: HttpRequest, pk: int) -> HttpResponse:
    adm = get_object_or_404(
        Administration.objects.visible_to(request.user).select_related("cycle__participant"),
        pk=pk,
        cycle__is_deleted=False,
    )
    form = forms.AdministrationForm(request.POST or None, instance=adm)
    title = gettext("%(drug)s — cycle %(number)s day %(day)s (planned %(date)s)") % {
        "drug": adm.drug_name, "number": adm.cycle.number, "day": adm.cycle_day, "date": shown_date(adm.planned_on),
    }
    return handle_record_form(
        request,
        form,
        template=FORM_TEMPLATE,
        context={"participant": adm.cycle.participant, "cycle": adm.cycle, "title": title},
        success_url=reverse("cycles:cycle-detail", args=[adm.cycle_id]),
        success_message=gettext("Administration recorded."),
    )


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def dose_grid(request: HttpRequest, cycle_pk: int, day: int) -> HttpResponse:
    """The planned doses of one cycle day on one page; each changed row saved through save_record, all or none."""
    cycle = _cycle(request, cycle_pk)
    rows = list(Administration.objects.live().filter(cycle=cycle, cycle_day=day).order_by("drug_code", "pk"))
    if not rows:
        raise Http404(gettext("No doses are planned on this day of the cycle."))
    for adm in rows:
        adm.cycle = cycle  # one cycle (and participant) object for every row: no query per row
    grid = forms.DoseGrid(request.POST or None, rows=rows, prefix="dose")
    # each row with its saved status, read now: validating a form copies the entries onto its instance
    # ("" for a dose not recorded yet)
    saved = [
        (adm, form, "" if adm.status == AdministrationStatus.PLANNED else adm.get_status_display())
        for adm, form in zip(rows, grid.forms, strict=True)
    ]
    context = {"cycle": cycle, "participant": cycle.participant, "day": day, "grid": grid, "rows": saved,
               "threshold": REGIMEN.dose_deviation_threshold_pct}
    read_only = read_only_state(request.user, rows[0])  # the rows share their participant and cycle: one lock
    if read_only is not None:
        for form in grid.forms:
            make_read_only(form)
        context |= {"read_only": read_only, "refused": read_only.refusal if request.method == "POST" else ""}
        return render(request, "cycles/dose_grid.html", context, status=403 if request.method == "POST" else 200)
    if request.method == "POST":
        return _save_dose_grid(request, grid, context)
    return render(request, "cycles/dose_grid.html", context)


def _save_dose_grid(request: HttpRequest, grid, context: dict) -> HttpResponse:
    status = 400
    if grid.is_valid():
        try:
            done = grid.save_changed(user=request.user)
        except integrity_services.RecordLocked as exc:
            status, context["refused"] = 403, str(exc)
        except integrity_services.EditConflict as exc:
            status, context["refused"] = 409, str(exc)
        else:
            day = context["day"]
            messages.success(
                request,
                ngettext("Day %(day)s: %(count)s dose saved.", "Day %(day)s: %(count)s doses saved.", len(done))
                % {"day": day, "count": len(done)},
            )
            return redirect("cycles:cycle-detail", cycle_pk=context["cycle"].pk)
    grid.mark_invalid()
    return render(request, "cycles/dose_grid.html", context, status=status)


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def segment_add(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = _cycle(request, cycle_pk)
    return _segment_form(
        request, cycle, forms.SegmentForm(request.POST or None, cycle=cycle), gettext("Add blinatumomab segment")
    )


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def segment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    seg = get_object_or_404(
        BlinatumomabSegment.objects.visible_to(request.user).select_related("cycle__participant"), pk=pk
    )
    form = forms.SegmentForm(request.POST or None, instance=seg, cycle=seg.cycle)
    return _segment_form(request, seg.cycle, form, gettext("Edit blinatumomab segment"))


def _segment_form(request: HttpRequest, cycle: Cycle, form, title: str) -> HttpResponse:
    return handle_record_form(
        request,
        form,
        template=FORM_TEMPLATE,
        context={
            "participant": cycle.participant,
            "cycle": cycle,
            "title": gettext("%(title)s — cycle %(number)s") % {"title": title, "number": cycle.number},
        },
        success_url=reverse("cycles:cycle-detail", args=[cycle.pk]),
        success_message=gettext("Blinatumomab segment saved."),
    )


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def transplant_add(request: HttpRequest, participant_pk: int) -> HttpResponse:
    participant = _participant(request, participant_pk)
    form = forms.TransplantForm(request.POST or None, participant=participant)
    return _transplant_form(request, participant, form, gettext("Record transplant (HSCT)"))


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def transplant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tx = get_object_or_404(Transplant.objects.visible_to(request.user).select_related("participant"), pk=pk)
    form = forms.TransplantForm(request.POST or None, instance=tx, participant=tx.participant)
    return _transplant_form(request, tx.participant, form, gettext("Edit transplant (HSCT)"))


def _transplant_form(request: HttpRequest, participant: Participant, form, title: str) -> HttpResponse:
    return handle_record_form(
        request,
        form,
        template=FORM_TEMPLATE,
        context={"participant": participant, "title": title},
        success_url=_calendar_url(participant.pk),
        success_message=gettext("Transplant saved."),
    )


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def visit_record(request: HttpRequest, cycle_pk: int, code: str) -> HttpResponse:
    cycle = _cycle(request, cycle_pk)
    spec = next((v for v in (cycle.regimen.visits if cycle.regimen else ()) if v.code == code), None)
    if spec is None:
        raise Http404(gettext("No such visit in this cycle."))
    instance = cycle.visit_records.filter(visit_code=code, is_deleted=False).first()
    form = forms.VisitRecordForm(request.POST or None, instance=instance, cycle=cycle, visit=spec)
    return handle_record_form(
        request,
        form,
        template=FORM_TEMPLATE,
        context={
            "participant": cycle.participant,
            "cycle": cycle,
            "title": gettext("Cycle %(number)s %(label)s") % {"number": cycle.number, "label": gettext(spec.label)},
        },
        success_url=_calendar_url(cycle.participant_id),
        success_message=gettext("Visit saved."),
    )


class DueVisitParams(django_forms.Form):
    show = params.choice(_("Show"), [("all", _("all scheduled visits"))])


@require_GET
def due_visits(request: HttpRequest) -> HttpResponse:
    """Site-wide: every scheduled visit that is due or overdue (or all, with ?show=all); constant queries."""
    show_all = parse_query(request, DueVisitParams)["show"] == "all"
    cycles = list(
        Cycle.objects.visible_to(request.user)
        .filter(participant__is_deleted=False)
        .select_related("participant__site")
        .order_by("participant__participant_id", "number")
    )
    cals = services.calendars(cycles, timezone.localdate())
    wanted = None if show_all else {rules.DUE, rules.OVERDUE}
    rows = [(c, v) for c in cycles for v in cals[c.pk] if wanted is None or v.status in wanted]
    rows.sort(key=lambda r: (r[1].window_end, r[0].participant.participant_id))
    return render(
        request,
        "cycles/due_visits.html",
        {"rows": rows, "show_all": show_all, "can_edit": has_role(request.user, *EDITORS)},
    )

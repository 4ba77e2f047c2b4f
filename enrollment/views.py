"""Enrollment pages: screening log and forms, consent, enrollment, participant list, casebook, status."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from blinatrial.access import DATA_ENTRY_ROLES, DATA_MANAGER, has_role, role_required, visible_site_ids
from blinatrial.params import parse_query
from blinatrial.request_memo import shared_loads
from enrollment import casebook_cache, presenters, rules, services
from enrollment.casebook import SECTION_PROVIDERS, CasebookSection, TimelineEntry
from enrollment.forms import (
    ConsentForm,
    EnrollmentForm,
    ParticipantListParams,
    ScreenFailForm,
    ScreeningForm,
    ScreeningListParams,
    StatusChangeForm,
    StudySettingsForm,
)
from enrollment.models import (
    Consent,
    Participant,
    ParticipantStatus,
    ScreeningRecord,
    ScreeningStatus,
    StudySettings,
    first_consent_on,
)
from enrollment.protocol import ENROLLMENT_PROTOCOL
from integrity.audit_context import own_context
from integrity.recording import RECORD_READERS, handle_record_form

WRITE_ROLES = DATA_ENTRY_ROLES
PAGE_SIZE = 25
PARTICIPANT_SORTS = ParticipantListParams.SORTS
SCREENING_SORTS = ScreeningListParams.SORTS


def _sorted(queryset, key: str, sorts: dict[str, str], default: str):
    """Order by a whitelisted column (`?sort=name` or `?sort=-name`, checked by the list's params form), ties
    broken by primary key."""
    key = key or default
    prefix = "-" if key.startswith("-") else ""
    field = sorts[key.lstrip("-")]
    return queryset.order_by(prefix + field, prefix + "pk"), key


class CountedPaginator(Paginator):
    """A paginator told its number of rows (counted together with other numbers in one query)."""

    def __init__(self, object_list, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._given_count = count

    @cached_property
    def count(self) -> int:
        return self._given_count


def _why(exc: Exception) -> str:
    """A refusal's message in the reader's language (the services raise rules.Message, English as str)."""
    return rules.shown(exc.args[0]) if exc.args else str(exc)


def _screening_or_404(request: HttpRequest, pk: int) -> ScreeningRecord:
    return get_object_or_404(ScreeningRecord.objects.visible_to(request.user).select_related("site"), pk=pk)


def _participant_or_404(request: HttpRequest, pk: int) -> Participant:
    queryset = Participant.objects.visible_to(request.user).select_related("site", "screening")
    return get_object_or_404(queryset, pk=pk)


@require_GET
def screening_list(request: HttpRequest) -> HttpResponse:
    query = parse_query(request, ScreeningListParams)
    queryset = ScreeningRecord.objects.visible_to(request.user)
    if status := query["status"]:
        queryset = queryset.filter(status=status)
    if q := query["q"]:
        queryset = queryset.filter(Q(screening_number__icontains=q) | Q(initials__iexact=q))
    # consented: a scalar subquery, run for the 25 rows shown only (an EXISTS per row was planned as a scan of
    # every consent)
    rows, sort = _sorted(
        queryset.annotate(consent_on=first_consent_on()).values(*presenters.SCREENING_ROW_FIELDS, "consent_on"),
        query["sort"], SCREENING_SORTS, "-date",
    )
    page = CountedPaginator(rows, PAGE_SIZE, queryset.count()).get_page(query["page"])
    return render(request, "enrollment/screening_list.html", {
        "page": page, "rows": presenters.screening_rows(page.object_list), "sort": sort, "status": status,
        "q": q, "statuses": ScreeningStatus.choices, "can_write": has_role(request.user, *WRITE_ROLES),
    })


@role_required(*WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def screening_add(request: HttpRequest) -> HttpResponse:
    form = ScreeningForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.screen_candidate(
                **form.record_data(), user=request.user, submission_token=form.cleaned_data.get("submission_token")
            )
        except services.ScreeningRefused as exc:
            form.add_error(None, _why(exc))
        else:
            messages.success(request, gettext("Candidate screened as %(number)s.")
                             % {"number": record.screening_number})
            return redirect("enrollment:screening-detail", pk=record.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "enrollment/screening_form.html", {"form": form}, status=status)


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def screening_edit(request: HttpRequest, pk: int) -> HttpResponse:
    screening = _screening_or_404(request, pk)
    form = ScreeningForm(request.POST or None, instance=screening, user=request.user)
    return handle_record_form(
        request, form, template="enrollment/screening_form.html", context={"screening": screening},
        success_url=reverse("enrollment:screening-detail", args=[screening.pk]),
        success_message=gettext("Screening updated."),
    )


@require_GET
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    screening = _screening_or_404(request, pk)
    consents = list(screening.consents.filter(is_deleted=False))
    participant = Participant.objects.visible_to(request.user).filter(screening=screening).first()
    consent_on = min((c.signed_on for c in consents), default=None)
    eligibility = screening.eligibility_with(consent_on)
    return render(request, "enrollment/screening_detail.html", {
        "screening": screening, "eligibility": eligibility, "answers": _answers(screening, consent_on),
        "consents": consents, "participant": participant, "can_write": has_role(request.user, *WRITE_ROLES),
        "fail_form": ScreenFailForm(initial={"reason": _fail_reason(eligibility, shown=True)}),
    })


def _fail_reason(eligibility, *, shown: bool) -> str:
    """The screen-failure reason offered: the failed criteria, in the reader's language (`shown`) or in English
    (what is stored when the offer is submitted unchanged)."""
    return rules.shown(rules.Joined("; ", eligibility.failed)) if shown else "; ".join(eligibility.failed)


def _answers(screening: ScreeningRecord, consent_on) -> list[dict]:
    """One row per criterion: the answer that counts (from the data where the criterion has data)."""
    evaluated = rules.criterion_answers(screening.criteria, screening.screening_data(consent_on), ENROLLMENT_PROTOCOL)
    rows = []
    for c in ENROLLMENT_PROTOCOL.criteria:
        answer, derived = evaluated[c.code]
        rows.append({"criterion": c, "text": rules.criterion_text(c).shown(), "answer": answer,
                     "ok": answer == c.required_answer, "from_data": derived.why.shown() if derived else ""})
    return rows


@role_required(*WRITE_ROLES)
@require_http_methods(["POST"])
def screening_fail(request: HttpRequest, pk: int) -> HttpResponse:
    screening = _screening_or_404(request, pk)
    form = ScreenFailForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        eligibility = screening.eligibility
        if reason.strip() == _fail_reason(eligibility, shown=True).strip():  # the offer, unchanged: stored in English
            reason = _fail_reason(eligibility, shown=False)
        try:
            services.screen_fail(screening=screening, reason=reason, user=request.user)
        except services.ScreeningRefused as exc:
            messages.error(request, _why(exc))
        else:
            messages.success(request, gettext("%(number)s recorded as a screen failure.")
                             % {"number": screening.screening_number})
    else:
        messages.error(request, gettext("Give the reason for the screen failure."))
    return redirect("enrollment:screening-detail", pk=screening.pk)


@role_required(*WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    screening = _screening_or_404(request, pk)
    form = ConsentForm(request.POST or None, screening=screening)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(
                screening=screening, user=request.user, submission_token=form.cleaned_data.get("submission_token"),
                **{n: form.cleaned_data[n] for n in ("document_version", "signed_on", "obtained_by")},
            )
        except services.ConsentRefused as exc:
            form.add_error(None, _why(exc))
        else:
            messages.success(request, gettext("Consent recorded."))
            return redirect("enrollment:screening-detail", pk=screening.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "enrollment/consent_form.html", {"form": form, "screening": screening}, status=status)


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def consent_edit(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.visible_to(request.user).select_related("screening"), pk=pk)
    form = ConsentForm(request.POST or None, instance=consent)
    return handle_record_form(
        request, form, template="enrollment/consent_form.html", context={"screening": consent.screening},
        success_url=reverse("enrollment:screening-detail", args=[consent.screening_id]),
        success_message=gettext("Consent updated."),
    )


@role_required(DATA_MANAGER)
@require_http_methods(["GET", "POST"])
def study_settings(request: HttpRequest) -> HttpResponse:
    enrolled = Participant.objects.live().count()
    form = StudySettingsForm(request.POST or None, instance=StudySettings.current(), enrolled=enrolled)
    if request.method == "POST" and form.is_valid():
        with own_context(user=request.user.pk, reason=form.cleaned_data["reason"]):  # audited (pghistory trigger)
            form.save()
        messages.success(request, gettext("Study settings saved: enrollment target %(target)s.")
                         % {"target": form.instance.target_enrollment})
        return redirect("enrollment:study-settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "enrollment/study_settings.html", {"form": form, "enrolled": enrolled}, status=status)


@role_required(*WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def participant_enroll(request: HttpRequest, pk: int) -> HttpResponse:
    screening = _screening_or_404(request, pk)
    form = EnrollmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.enroll_participant(screening=screening, user=request.user, **form.cleaned_data)
        except services.EnrollmentRefused as exc:
            form.add_error(None, _why(exc))
        else:
            messages.success(request, gettext("Enrolled as participant %(id)s.") % {"id": participant.participant_id})
            return redirect("enrollment:participant-detail", pk=participant.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "screening": screening, "eligibility": screening.eligibility}
    return render(request, "enrollment/enroll_form.html", context, status=status)


@require_GET
def participant_list(request: HttpRequest) -> HttpResponse:
    query = parse_query(request, ParticipantListParams)
    live = Participant.objects.live()
    shown = live.sites_q(visible_site_ids(request.user))  # = visible_to(user), as a condition
    if status := query["status"]:
        shown &= Q(status=status)
    if q := query["q"]:  # the menu's search box: part of a participant ID, or the initials
        shown &= Q(participant_id__icontains=q) | Q(screening__initials__iexact=q)
    target = Subquery(StudySettings.objects.filter(pk=1).values("target_enrollment")[:1])
    counts = live.aggregate(  # one statement: the rows shown, the trial's enrolled participants, the target
        trial=Count("pk"), shown=Count("pk", filter=shown), target=Max(target)
    )
    queryset, sort = _sorted(live.filter(shown).values(*presenters.PARTICIPANT_ROW_FIELDS), query["sort"],
                             PARTICIPANT_SORTS, "id")
    page = CountedPaginator(queryset, PAGE_SIZE, counts["shown"]).get_page(query["page"])
    return render(request, "enrollment/participant_list.html", {
        "page": page, "rows": presenters.participant_rows(page.object_list), "sort": sort, "status": status, "q": q,
        "statuses": ParticipantStatus.choices, "target": counts["target"] or StudySettings.current().target_enrollment,
        "trial_enrolled": counts["trial"], "is_data_manager": has_role(request.user, DATA_MANAGER),
    })


@require_GET
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The casebook: its content from the cache while nothing it shows has changed (enrollment.casebook_cache)."""
    participant = _participant_or_404(request, pk)
    key = casebook_cache.content_key(request, participant.pk)
    body = casebook_cache.cached_content(key)
    if body is None:
        context = casebook_context(participant, request)
        context["can_write"] = has_role(request.user, *WRITE_ROLES)
        context["off_study_reason"] = OFF_STUDY_CODES.get(participant.off_study_reason, participant.off_study_reason)
        body = render_to_string("enrollment/casebook_body.html", context, request)
        if not any(section.live for section in context["sections"]):
            casebook_cache.keep_content(key, body)
    return render(request, "enrollment/participant_detail.html", {"participant": participant, "body": body})


@role_required(*WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def participant_status(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant_or_404(request, pk)
    form = StatusChangeForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            _apply_status_change(participant, form.cleaned_data, request.user)
        except services.StatusChangeRefused as exc:
            form.add_error(None, _why(exc))
        else:
            messages.success(request, gettext("Status changed."))
            return redirect("enrollment:participant-detail", pk=participant.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "enrollment/status_form.html", {"form": form, "participant": participant}, status=status)


def _apply_status_change(participant: Participant, data: dict, user) -> None:
    if data["to_status"] == rules.OFF_STUDY:
        services.take_off_study(
            participant=participant, on=data["changed_on"], reason_code=data["off_study_reason"], user=user
        )
    else:
        services.change_status(
            participant=participant, to_status=data["to_status"], on=data["changed_on"], reason=data["reason"],
            user=user,
        )


DUE_ORDER = {"overdue": 0, "due": 1, "upcoming": 2, "missed": 3, "done": 4}


FIRST_DOSE_DATES = "cycles.services.first_dose_dates"  # (participant ids) -> {id: C1D1}, when cycles is installed


def casebook_context(participant: Participant, request: HttpRequest) -> dict:
    """Header, sections of every importable provider, the merged timeline and the due list."""
    sections, unavailable = _sections(participant, request)
    changes = list(participant.status_changes.filter(is_deleted=False).select_related("created_by"))
    timeline = sorted(_own_timeline(participant, changes) + [e for s in sections for e in s.timeline],
                      key=lambda e: e.on)
    today = timezone.localdate()
    c1d1 = _section_value(sections, "c1d1", default=MISSING)
    if c1d1 is MISSING:  # no section tells (cycles app not in this build)
        c1d1 = _first_dose_date(participant)
    consent_on = min((e.on for e in timeline if e.kind == "consent"), default=None)
    return {
        "participant": participant,
        "deviations": eligibility_deviations(participant, consent_on),
        "c1d1": c1d1,
        "study_day": rules.study_day(today, c1d1),
        "current_cycle": _section_value(sections, "current_cycle") or _current_cycle(participant, timeline, today),
        "sections": sections,
        "unavailable_sections": unavailable,
        "timeline": timeline,
        "status_history": [_status_row(c) for c in changes],
        "due": sorted((d for s in sections for d in s.due), key=lambda d: (DUE_ORDER.get(d.status, 9), d.target)),
        "consent_on": consent_on,
    }


def eligibility_deviations(participant: Participant, consent_on) -> tuple[str, ...]:  # rules.Message
    """The eligibility criteria an enrolled participant fails by the data now (a protocol deviation)."""
    eligibility = participant.screening.eligibility_with(consent_on)
    return () if eligibility.eligible else eligibility.failed


MISSING = object()


def _section_value(sections: list[CasebookSection], key: str, default=None):
    """A header value a section may provide in its context ("c1d1", "current_cycle"): the first truthy one,
    else the first given (even None), else `default`."""
    given = [s.context[key] for s in sections if key in s.context]
    return next((v for v in given if v), given[0] if given else default)


def _first_dose_date(participant: Participant):
    try:
        first_dose_dates = import_string(FIRST_DOSE_DATES)
    except ImportError:
        return None
    return first_dose_dates([participant.pk]).get(participant.pk)


def _current_cycle(participant: Participant, timeline: list[TimelineEntry], today) -> int | None:
    """While on treatment: the number of cycles started so far (timeline entries of kind "cycle")."""
    if participant.status != rules.ON_TREATMENT:
        return None
    return sum(1 for e in timeline if e.kind == "cycle" and e.on <= today) or None


def _sections(participant: Participant, request: HttpRequest) -> tuple[list[CasebookSection], list[str]]:
    """Sections of the providers that exist in this build (an app not written yet is listed, not fatal).

    Each section's template is rendered with the section's context as its top-level variables. The sections
    share the records more than one of them reads (``blinatrial.request_memo``), loaded once for this page.
    """
    with shared_loads():
        return _provided_sections(participant, request)


def _provided_sections(participant: Participant, request: HttpRequest) -> tuple[list[CasebookSection], list[str]]:
    sections, unavailable = [], []
    for path in SECTION_PROVIDERS:
        try:
            provider = import_string(path)
        except ImportError:
            unavailable.append(path.split(".")[0])
            continue
        section = provider(participant, request.user)
        try:
            section.html = render_to_string(section.template, {**section.context, "section": section}, request)
        except TemplateDoesNotExist:
            unavailable.append(section.title)
            continue
        sections.append(section)
    return sorted(sections, key=lambda s: s.order), unavailable


def _own_timeline(participant: Participant, changes: list) -> list[TimelineEntry]:
    screening = participant.screening
    screening_url = reverse("enrollment:screening-detail", args=[screening.pk])
    entries = [TimelineEntry(screening.screened_on, "screening",
                             gettext("Screened as %(number)s") % {"number": screening.screening_number}, screening_url)]
    entries += [
        TimelineEntry(c.signed_on, "consent", gettext("Consent signed (version %(version)s, by %(by)s)")
                      % {"version": c.document_version, "by": c.obtained_by}, screening_url)
        for c in Consent.objects.filter(screening_id=screening.pk, is_deleted=False)
    ]
    labels = dict(ParticipantStatus.choices)
    entries += [
        TimelineEntry(sc.changed_on, "status", _status_label(sc, labels))
        for sc in changes
    ]
    return entries


STATUS_LABELS = {**dict(ScreeningStatus.choices), **dict(ParticipantStatus.choices)}
# Status-change reasons the system stores (in English), shown translated.
SYSTEM_REASONS = {"Enrolled": _("Enrolled")}


def _reason_label(reason: str) -> str:
    """A status change's reason as shown: an off-study reason's label, a system reason translated, else as typed."""
    if reason in rules.OFF_STUDY_REASON_LABELS:
        return gettext(rules.OFF_STUDY_REASON_LABELS[reason])
    return str(SYSTEM_REASONS.get(reason, reason))


def _status_row(change) -> dict:
    return {
        "on": change.changed_on, "from": STATUS_LABELS.get(change.from_status, change.from_status),
        "to": change.to_status, "to_label": STATUS_LABELS.get(change.to_status, change.to_status),
        "reason": _reason_label(change.reason), "by": change.created_by,
    }


def _status_label(change, labels: dict) -> str:
    status = labels.get(change.to_status, change.to_status)
    if change.reason and change.reason != "Enrolled":
        return gettext("Status: %(status)s (%(reason)s)") % {"status": status, "reason": _reason_label(change.reason)}
    return gettext("Status: %(status)s") % {"status": status}


# The off-study reason as the casebook header names it (the stored code in English, translated in Chinese).
OFF_STUDY_CODES = {
    "completed": pgettext_lazy("off-study reason code", "completed"),
    "consent_withdrawn": pgettext_lazy("off-study reason code", "consent_withdrawn"),
    "lost_to_follow_up": pgettext_lazy("off-study reason code", "lost_to_follow_up"),
    "death": pgettext_lazy("off-study reason code", "death"),
    "investigator_decision": pgettext_lazy("off-study reason code", "investigator_decision"),
}
# The kinds of the casebook's timeline entries (every section's), shown translated.
TIMELINE_KINDS = {
    "screening": pgettext_lazy("timeline", "screening"), "consent": pgettext_lazy("timeline", "consent"),
    "status": pgettext_lazy("timeline", "status"), "cycle": pgettext_lazy("timeline", "cycle"),
    "dose": pgettext_lazy("timeline", "dose"), "transplant": pgettext_lazy("timeline", "transplant"),
    "adverse event": pgettext_lazy("timeline", "adverse event"), "marrow": pgettext_lazy("timeline", "marrow"),
    "blood count": pgettext_lazy("timeline", "blood count"), "follow-up": pgettext_lazy("timeline", "follow-up"),
    "death": pgettext_lazy("timeline", "death"), "relapse": pgettext_lazy("timeline", "relapse"),
}
# The states of the casebook's due items, shown translated.
DUE_STATES = {
    "overdue": pgettext_lazy("due", "overdue"), "due": pgettext_lazy("due", "due"),
    "upcoming": pgettext_lazy("due", "upcoming"), "missed": pgettext_lazy("due", "missed"),
    "done": pgettext_lazy("due", "done"),
}


@require_GET
def participant_count(request: HttpRequest) -> JsonResponse:
    """How many participants the user may see: one COUNT query (also the benchmarks' baseline, B1)."""
    return JsonResponse({"participants": Participant.objects.visible_to(request.user).count()})

"""The home page's work lists that read the status matrix (forms due, forms incomplete, signatures waiting), the
investigator's calls that differ from the derived response, and the monitor's records not yet verified.

The matrix of every participant the user sees is computed once per request (a fixed number of queries,
assessments.matrix) and shared by the providers; integrity.rules decides each cell's states.
"""

from __future__ import annotations

from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from assessments import matrix
from assessments.models import Timepoint
from blinatrial.access import COORDINATOR, INVESTIGATOR, MONITOR
from blinatrial.dates import shown_date
from blinatrial.worklist import MAX_ITEMS, WorkItem, WorkList, register
from cycles import services as cycle_services
from cycles.models import Cycle
from enrollment.models import Participant
from integrity import verification
from integrity.models import DataQuery, QueryStatus
from integrity.queries import FORM_URLS
from integrity.rules import COMPLETE, INCOMPLETE, SIGNED, RecordToVerify

COLUMN_WORDS = dict(matrix.COLUMNS)
EOC_OF_CYCLE = {1: matrix.EOC1, 2: matrix.EOC2}
EOC_VISIT = "EOC"  # the calendar's end-of-cycle visit: its window is when the EOC forms are due


def matrix_of(user) -> list[dict]:
    """Every visible participant's matrix row, computed once per request (cached on the user object)."""
    cached = getattr(user, "_work_matrix", None)
    if cached is None:
        rows = (Participant.objects.visible_to(user).order_by("participant_id", "pk")
                .values("pk", "participant_id", "site__code", "screening_id"))
        # The lists read progress, queries and signatures; none asks whether a cell is verified.
        cached = matrix.matrix_rows(list(rows), verification_facts=False)
        user._work_matrix = cached
    return cached


def _cells(user, wanted) -> list[tuple[dict, matrix.Cell]]:
    return [(row, cell) for row in matrix_of(user) for cell in row["cells"] if wanted(row, cell)]


def _cell_item(row: dict, cell: matrix.Cell, note: str = "", url: str | None = None, urgent: bool = False) -> WorkItem:
    return WorkItem(label=f"{row['participant_id']} · {COLUMN_WORDS[cell.column]}", url=url or cell.url, note=note,
                    urgent=urgent)


def _list(key: str, title: str, items: list[WorkItem], *, more: str, empty: str, hint: str = "") -> WorkList:
    return WorkList(key=key, title=title, items=items[:MAX_ITEMS], total=len(items), more_url=more, empty=empty,
                    hint=hint)


def _matrix_url(state: str) -> str:
    return reverse("assessments:status-matrix") + f"?state={state}"


@register("forms-due", roles=(COORDINATOR,), order=20)
def forms_due(user) -> WorkList:
    """End-of-cycle forms (marrow, flow MRD, response call) not complete once the cycle's EOC visit window
    has opened: due inside the window, overdue after it."""
    today = timezone.localdate()
    cycles = list(Cycle.objects.visible_to(user).filter(participant__is_deleted=False, number__in=EOC_OF_CYCLE))
    calendars = cycle_services.calendars(cycles, today)
    windows = {}
    for c in cycles:
        visit = next((v for v in calendars[c.pk] if v.code == EOC_VISIT), None)
        if visit is not None and visit.window_start <= today:
            windows[(c.participant_id, EOC_OF_CYCLE[c.number])] = visit
    items = []
    for row, cell in _cells(user, lambda r, c: (r["pk"], c.column) in windows and COMPLETE not in c.states):
        visit = windows[(row["pk"], cell.column)]
        overdue = visit.window_end < today
        end = {"date": shown_date(visit.window_end)}
        note = gettext("overdue since %(date)s") % end if overdue else gettext("due by %(date)s") % end
        items.append(_cell_item(row, cell, note, urgent=overdue))
    items.sort(key=lambda i: not i.urgent)
    return _list("forms-due", gettext("End-of-cycle forms due or overdue"), items,
                 more=reverse("assessments:status-matrix"), empty=gettext("No end-of-cycle form due."))


@register("forms-incomplete", roles=(COORDINATOR,), order=40)
def forms_incomplete(user) -> WorkList:
    cells = _cells(user, lambda r, c: INCOMPLETE in c.states)
    items = [_cell_item(r, c, gettext("some forms hold data, not all")) for r, c in cells]
    return _list("forms-incomplete", gettext("Forms started but incomplete"), items, more=_matrix_url(INCOMPLETE),
                 empty=gettext("Nothing started and left incomplete."))


@register("signatures-waiting", roles=(INVESTIGATOR,), order=10)
def signatures_waiting(user) -> WorkList:
    """Complete end-of-cycle timepoints not signed, and casebooks complete in every timepoint not signed."""
    items = []
    for row in matrix_of(user):
        sign = reverse("integrity:sign", args=[row["pk"]])
        by_column = {c.column: c for c in row["cells"]}
        for column in (matrix.EOC1, matrix.EOC2):
            cell = by_column[column]
            if COMPLETE in cell.states and SIGNED not in cell.states:
                items.append(_cell_item(row, cell, gettext("complete, not signed"), url=f"{sign}?timepoint={column}"))
        if all(COMPLETE in c.states for c in row["cells"]) and not all(SIGNED in c.states for c in row["cells"]):
            items.append(WorkItem(label=gettext("%(pid)s · Whole casebook") % {"pid": row["participant_id"]}, url=sign,
                                  note=gettext("every timepoint complete, casebook not signed")))
    return _list("signatures-waiting", gettext("Waiting for your signature"), items,
                 more=_matrix_url(COMPLETE), empty=gettext("Nothing waiting for a signature."))


@register("response-disagreements", roles=(INVESTIGATOR,), order=20)
def response_disagreements(user) -> WorkList:
    """The open automatic queries of the check comparing the investigator's call with the derived response."""
    qs = (DataQuery.objects.visible_to(user).exclude(status=QueryStatus.CLOSED).filter(check_code="RSP_DIFF")
          .select_related("participant").order_by("created_at", "pk"))
    total = qs.count()
    items = [
        WorkItem(label=gettext("%(pid)s · Investigator's call differs from the derived response") % {
                     "pid": q.participant.participant_id},
                 url=reverse("assessments:call-edit", args=[q.object_id]), note=q.get_status_display().lower())
        for q in qs[:MAX_ITEMS]
    ]
    return WorkList(key="response-disagreements", title=gettext("Response calls differing from the derived response"),
                    items=items, total=total, more_url=reverse("integrity:query-list"),
                    empty=gettext("Every response call agrees with the derived response."))


# The forms with critical-to-quality values, in words (their verbose names spell "mrd" in lower case).
FORM_WORDS = {
    "enrollment.ScreeningRecord": _("Screening record"),
    "assessments.BoneMarrowAssessment": _("Bone marrow"),
    "assessments.BloodCount": _("Blood count"),
    "assessments.FlowMrd": _("Flow MRD"),
    "assessments.NgsMrd": _("NGS MRD"),
    "assessments.ResponseCall": _("Response call"),
    "assessments.FollowUpContact": _("Follow-up contact"),
}
TIMEPOINT_WORDS = dict(Timepoint.choices)
NOT_VERIFIED_HINT = _(
    "Each form of your participants holding a critical-to-quality value (eligibility, marrow, blood count, MRD, "
    "response call, relapse and death dates) that no current source verification covers. An edit after "
    "verification clears the mark, so the form counts again."
)


def _verify_item(record: RecordToVerify, participant_id: str) -> WorkItem:
    form = str(FORM_WORDS.get(record.model) or str(apps.get_model(record.model)._meta.verbose_name).capitalize())
    timepoint = str(TIMEPOINT_WORDS.get(record.timepoint, ""))
    label = " · ".join(part for part in (participant_id, timepoint, form) if part)
    if record.verified:
        note = gettext("%(verified)s of %(total)s critical fields verified") % {
            "verified": record.verified, "total": record.total}
    else:
        note = ngettext("%(total)s critical field not verified", "%(total)s critical fields not verified",
                        record.total) % {"total": record.total}
    if record.edited_after_verification:
        note += gettext(", edited after verification")
    url_name = FORM_URLS.get(record.model)
    url = reverse(url_name, args=[record.record_id]) if url_name else reverse("integrity:sdv-progress")
    return WorkItem(label=label, url=url, note=note)


def _verify_order(participant_ids: dict[int, str]):
    """By participant, then as the casebook runs: screening, the timepoints' forms, blood counts, follow-up."""
    timepoints, forms = list(TIMEPOINT_WORDS), list(FORM_WORDS)
    undated = {"enrollment.ScreeningRecord": -1, "assessments.FollowUpContact": len(timepoints) + 1}

    def key(record: RecordToVerify) -> tuple:
        if record.timepoint in timepoints:
            place = timepoints.index(record.timepoint)
        else:
            place = undated.get(record.model, len(timepoints))
        form = forms.index(record.model) if record.model in forms else len(forms)
        return participant_ids[record.participant_id], place, form, record.record_id

    return key


@register("sdv-waiting", roles=(MONITOR,), order=10)
def records_not_verified(user) -> WorkList:
    """The forms of the user's participants whose critical values are not all verified by a current source
    verification mark, each linking to the form opened read-only, where the monitor verifies it. One query per
    form with critical fields and one for the marks (integrity.verification), the set logic in
    integrity.rules.records_not_verified."""
    records, participant_ids = verification.records_to_verify(user)
    records.sort(key=_verify_order(participant_ids))
    items = [_verify_item(r, participant_ids[r.participant_id]) for r in records]
    return _list("sdv-waiting", gettext("Records not yet verified"), items, more=reverse("integrity:sdv-progress"),
                 empty=gettext("Every critical value of your participants is verified against source."),
                 hint=NOT_VERIFIED_HINT)

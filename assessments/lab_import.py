"""Central-laboratory import of flow and NGS MRD results (issue 19).

`run_import` reads a CSV or JSON file (`assessments.lab_file`), finds each row's marrow sample among the
user's sites by participant ID, aspirate date and sample ID, validates the row with the form the browser
uses (`FlowMrdForm`, `NgsMrdForm`: every clinical rule applies) and saves every row through
`integrity.services.save_record`, audited with the user and the reason "Central laboratory import <batch>"
(the batch is the first 12 hex digits of the file's SHA-256, so the trail names the file).

All or nothing: if any row has a problem nothing is saved and the report lists every problem by row and
column; a dry run checks the same and saves nothing. A row for a participant the user cannot see reads
"no such participant at your sites", as for an ID that does not exist. The import adds results and never
changes one: a sample that already has a result of the row's assay is refused as a duplicate (a correction
is an edit with its own reason, on the result's form), as is a second row for the same sample and assay.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments import lab_file
from assessments.forms import FlowMrdForm, NgsMrdForm
from assessments.models import BoneMarrowAssessment, FlowMrd, NgsMrd
from blinatrial.access import DATA_ENTRY_ROLES, has_role
from blinatrial.dates import shown_date
from enrollment.models import Participant
from integrity import locking
from integrity.services import RecordLocked, save_record

REASON = "Central laboratory import {batch}"
FORMS = {"flow": FlowMrdForm, "ngs": NgsMrdForm}
MODELS = {"flow": FlowMrd, "ngs": NgsMrd}
NO_PARTICIPANT = _("No such participant at your sites.")


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row (the header is not counted); 0: the file as a whole
    field: str  # the column as named in the file ("" when no column is to blame)
    message: str


@dataclass(frozen=True)
class ImportReport:
    saved: int
    errors: list[RowError]
    rows: int = 0  # data rows read
    dry_run: bool = False
    batch_id: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Checked:
    """The rows checked so far: the forms ready to save and the problems found."""

    forms: list[tuple[int, object]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    seen: dict[tuple[str, int], int] = field(default_factory=dict)  # (assay, marrow pk) -> first row

    def refuse(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))


class _Abort(Exception):
    def __init__(self, error: RowError):
        self.error = error


def batch_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def run_import(*, user, data: bytes, fmt: str, dry_run: bool) -> ImportReport:
    """Check every row of a central lab's MRD file and, unless `dry_run` or any row is wrong, save them all."""
    if not has_role(user, *DATA_ENTRY_ROLES):
        raise PermissionDenied(gettext("Your role does not allow entering results."))
    batch = batch_id(data)
    try:
        rows = lab_file.read_rows(data, fmt)
    except lab_file.FileProblem as problem:
        return ImportReport(0, [RowError(0, problem.column, problem.message)], dry_run=dry_run, batch_id=batch)
    with transaction.atomic():
        checked = _check_rows(user, rows)
        saved = 0
        if not checked.errors and not dry_run:
            try:
                saved = _save(user, checked.forms, reason=REASON.format(batch=batch))
            except _Abort as abort:
                checked.errors.append(abort.error)
        if checked.errors or dry_run:
            transaction.set_rollback(True)  # nothing of a refused file or a dry run stays, whatever ran
            saved = 0
    return ImportReport(saved, checked.errors, rows=len(rows), dry_run=dry_run, batch_id=batch)


def _check_rows(user, rows: list[dict[str, str]]) -> _Checked:
    checked = _Checked()
    samples = _samples(user, rows)
    for number, row in enumerate(rows, start=1):
        assay = lab_file.assay_of(row.get("assay", ""))
        if assay.problem:
            checked.refuse(number, "assay", assay.problem)
        marrow = _match(checked, number, row, samples)
        if assay.problem or marrow is None:
            continue
        _check_result(checked, number, assay.value, row, marrow)
    return checked


def _samples(user, rows: list[dict[str, str]]) -> dict[str, list[BoneMarrowAssessment]]:
    """The live marrows of the file's participants that the user may see, by participant ID (two queries)."""
    ids = {row.get("participant_id", "") for row in rows}
    visible = Participant.objects.visible_to(user).filter(participant_id__in=ids)
    samples: dict[str, list[BoneMarrowAssessment]] = {pid: [] for pid in visible.values_list("participant_id",
                                                                                             flat=True)}
    marrows = (
        BoneMarrowAssessment.objects.visible_to(user)
        .filter(participant__participant_id__in=samples)
        .select_related("participant__screening")
        .order_by("id")
    )
    for marrow in marrows:
        samples[marrow.participant.participant_id].append(marrow)
    return samples


def _match(checked: _Checked, number: int, row: dict[str, str], samples) -> BoneMarrowAssessment | None:
    """The one marrow the row names, or None with the problems recorded."""
    pid, sample_id, text = row.get("participant_id", ""), row.get("sample_id", ""), row.get("sample_date", "")
    sample_date = _date(text)
    if not pid:
        checked.refuse(number, "participant_id", gettext("Enter the participant ID (e.g. 01-007)."))
    elif pid not in samples:
        checked.refuse(number, "participant_id", str(NO_PARTICIPANT))
    if not text or sample_date is None:
        checked.refuse(number, "sample_date", gettext("Enter the sample date as YYYY-MM-DD."))
    if not sample_id:
        checked.refuse(number, "sample_id", gettext("Enter the sample ID."))
    if pid not in samples or sample_date is None or not sample_id:
        return None
    same_id = [m for m in samples[pid] if m.sample_id == sample_id]
    found = [m for m in same_id if m.sample_date == sample_date]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        message = gettext("%(pid)s has %(n)s marrow samples with this ID and date: correct them before importing.")
        checked.refuse(number, "sample_id", message % {"pid": pid, "n": len(found)})
    elif same_id:
        dates = ", ".join(shown_date(m.sample_date) for m in same_id)
        message = gettext("Sample %(sample)s of %(pid)s is recorded with the aspirate date %(dates)s, not %(date)s.")
        checked.refuse(number, "sample_date", message % {
            "sample": sample_id, "pid": pid, "dates": dates, "date": shown_date(sample_date)})
    else:
        message = gettext("No marrow sample %(sample)s is recorded for %(pid)s: enter the bone marrow assessment "
                          "first.")
        checked.refuse(number, "sample_id", message % {"sample": sample_id, "pid": pid})
    return None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _check_result(checked: _Checked, number: int, assay: str, row: dict[str, str], marrow) -> None:
    label = lab_file.assay_label(assay)
    key = (assay, marrow.pk)
    if key in checked.seen:
        message = gettext("Row %(row)s already gives the %(assay)s result of this sample.")
        checked.refuse(number, "sample_id", message % {"row": checked.seen[key], "assay": label})
        return
    checked.seen[key] = number
    if MODELS[assay].objects.live().filter(marrow=marrow).exists():
        message = gettext("This sample already has a %(assay)s result: the import never changes a saved result "
                          "(correct it on its form, with a reason).")
        checked.refuse(number, "sample_id", message % {"assay": label})
        return
    data, problems = lab_file.form_data(assay, row)
    for column, message in problems.items():
        checked.refuse(number, column, message)
    if "result" in problems:
        return  # the form's rules all turn on the result: what they would say without it is noise
    form = FORMS[assay](data, marrow=marrow)
    if not form.is_valid():
        for column, message in _form_errors(form, assay, skip=set(problems)):
            checked.refuse(number, column, message)
        return
    if (why := locking.create_blocked_reason(form.instance)) is not None:
        checked.refuse(number, "sample_id", why)
        return
    if not problems:
        checked.forms.append((number, form))


def _form_errors(form, assay: str, *, skip: set[str]):
    """(column, message) for each of the form's errors, the columns named as in the file."""
    columns = {name: column for column, name in lab_file.ASSAY_COLUMNS[assay].items()}
    for name, messages in form.errors.items():
        column = columns.get(name, "participant_id")  # a whole-form refusal is about the participant
        if column in skip:
            continue
        for message in messages:
            yield column, strip_tags(message)


def _save(user, forms: list[tuple[int, object]], *, reason: str) -> int:
    """Save every checked form; a refusal raised meanwhile (a lock or a result saved since) aborts them all."""
    for number, form in forms:
        try:
            save_record(form, user=user, reason=reason)
        except RecordLocked as exc:
            raise _Abort(RowError(number, "sample_id", str(exc))) from exc
        except IntegrityError as exc:
            message = gettext("A result for this sample was saved while the file was imported: nothing was saved.")
            raise _Abort(RowError(number, "sample_id", message)) from exc
    return len(forms)

"""Issue 19: a central lab's MRD results file, imported all or nothing through the MRD forms, audited per row."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied

from assessments.lab_import import RowError, run_import
from assessments.models import FlowMrd, NgsMrd
from integrity import locking
from integrity.audit import event_model_for
from tests.assessments.lab_files import as_csv, as_json, flow_row, ngs_row
from tests.dates import read
from tests.factories.assessments import FlowMrdFactory, MarrowFactory
from tests.factories.enrollment import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def marrows(participant, site_a):
    """Two participants of site A: EOC1 and EOC2 marrows of the first, the EOC1 marrow of the second."""
    other = ParticipantFactory(screening__site=site_a, screening__status="enrolled")
    return [
        MarrowFactory(participant=participant, timepoint="EOC1", sample_id="BM-0001"),
        MarrowFactory(participant=participant, timepoint="EOC2", sample_id="BM-0002",
                      sample_date=participant.enrolled_on + datetime.timedelta(days=58)),
        MarrowFactory(participant=other, timepoint="EOC1", sample_id="BM-0003"),
    ]


def good_rows(marrows) -> list[dict]:
    first, second, third = marrows
    return [
        flow_row(first, value_pct="0.03"),
        flow_row(second, result="not detected", value_pct="", lod_pct="0.01"),
        flow_row(third, result="Not evaluable", value_pct="", lod_pct="", not_evaluable_reason="Haemodilute"),
        ngs_row(first, result="detected", lod_fraction="1e-6", value_fraction="2e-05"),
        ngs_row(third, clone_trackable="no", result="", lod_fraction=""),
    ]


def nothing_saved() -> bool:
    return not FlowMrd.objects.exists() and not NgsMrd.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_good_file_saves_every_row_with_one_audit_event_each(coordinator, marrows, fmt):
    data = (as_csv if fmt == "csv" else as_json)(good_rows(marrows))

    report = run_import(user=coordinator, data=data, fmt=fmt, dry_run=False)

    assert (report.ok, report.saved, report.errors, report.rows) == (True, 5, [], 5)
    first, second, third = marrows
    flows = {f.marrow_id: f for f in FlowMrd.objects.all()}
    assert (flows[first.pk].result_type, flows[first.pk].value_pct, flows[first.pk].lod_pct) == (
        "QUANTIFIED", 0.03, 0.005)
    assert (flows[first.pk].cells_analysed, flows[first.pk].method_version, flows[first.pk].lab) == (
        750000, "EuroFlow 2", "Central lab")
    assert (flows[second.pk].result_type, flows[second.pk].value_pct, flows[second.pk].lod_pct) == (
        "NOT_DETECTED", None, 0.01)
    assert (flows[third.pk].result_type, flows[third.pk].not_evaluable_reason) == ("NOT_EVALUABLE", "Haemodilute")
    ngs = {n.marrow_id: n for n in NgsMrd.objects.all()}
    assert (ngs[first.pk].clone_trackable, ngs[first.pk].result, ngs[first.pk].value_fraction) == (
        True, "DETECTED", 2e-05)
    assert (ngs[third.pk].clone_trackable, ngs[third.pk].result) == (False, "")

    reason = "Central laboratory import " + hashlib.sha256(data).hexdigest()[:12]
    for record in [*flows.values(), *ngs.values()]:
        events = list(event_model_for(type(record)).objects.filter(pgh_obj_id=record.pk))
        assert [e.pgh_label for e in events] == ["insert"]
        assert (events[0].pgh_context.metadata["user"], events[0].pgh_context.metadata["reason"]) == (
            coordinator.pk, reason)
        assert record.created_by == coordinator


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_one_bad_row_saves_nothing_and_names_its_row_and_column(coordinator, marrows, fmt):
    rows = good_rows(marrows)
    rows[2] = flow_row(marrows[2], value_pct="150")  # above 100 %
    data = (as_csv if fmt == "csv" else as_json)(rows)

    report = run_import(user=coordinator, data=data, fmt=fmt, dry_run=False)

    assert (report.ok, report.saved) == (False, 0)
    assert [(e.row, e.field) for e in report.errors] == [(3, "value_pct")]
    assert "100" in report.errors[0].message
    assert nothing_saved()


def test_every_bad_row_and_column_is_reported(coordinator, marrows):
    first, second, third = marrows
    rows = [
        flow_row(first, result="not detected", value_pct="", lod_pct=""),  # no LOD for not detected
        ngs_row(second, clone_trackable="maybe", value_pct="0.1"),  # not yes/no; a flow column on an NGS row
        flow_row(third, assay="pcr"),
        flow_row(first, sample_date="2020-13-01"),
    ]
    report = run_import(user=coordinator, data=as_csv(rows), fmt="csv", dry_run=False)

    assert sorted((e.row, e.field) for e in report.errors) == [
        (1, "lod_pct"), (2, "clone_trackable"), (2, "value_pct"), (3, "assay"), (4, "sample_date"),
    ]
    messages = {(e.row, e.field): e.message for e in report.errors}
    assert messages[(2, "value_pct")] == "This column is for flow MRD results: leave it empty on a ngs row."
    assert messages[(3, "assay")] == "Unknown assay 'pcr': write flow or ngs."
    assert nothing_saved()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_dry_run_reports_the_same_and_saves_nothing(coordinator, marrows, fmt):
    write = as_csv if fmt == "csv" else as_json
    good = run_import(user=coordinator, data=write(good_rows(marrows)), fmt=fmt, dry_run=True)
    assert (good.ok, good.saved, good.rows, good.dry_run) == (True, 0, 5, True)
    assert nothing_saved()

    bad_rows = good_rows(marrows)
    bad_rows[0] = flow_row(marrows[0], lod_pct="-1")
    dry = run_import(user=coordinator, data=write(bad_rows), fmt=fmt, dry_run=True)
    real = run_import(user=coordinator, data=write(bad_rows), fmt=fmt, dry_run=False)
    assert dry.errors == real.errors and [(e.row, e.field) for e in dry.errors] == [(1, "lod_pct")]
    assert nothing_saved()


def test_a_participant_of_another_site_is_no_such_participant(coordinator, marrows, participant_b):
    theirs = MarrowFactory(participant=participant_b, sample_id="BM-B1")
    rows = [flow_row(marrows[0]), flow_row(theirs), flow_row(marrows[1], participant_id="01-999")]

    report = run_import(user=coordinator, data=as_csv(rows), fmt="csv", dry_run=False)

    assert report.errors == [
        RowError(2, "participant_id", "No such participant at your sites."),
        RowError(3, "participant_id", "No such participant at your sites."),
    ]
    assert nothing_saved()


@pytest.mark.parametrize("user", ["monitor", "investigator", "data_manager"])
def test_only_data_entry_roles_may_import(request, user, marrows):
    importer = request.getfixturevalue(user)
    data = as_csv([flow_row(marrows[0])])
    if user == "monitor":
        with pytest.raises(PermissionDenied):
            run_import(user=importer, data=data, fmt="csv", dry_run=False)
        assert nothing_saved()
    else:
        assert run_import(user=importer, data=data, fmt="csv", dry_run=False).saved == 1


def test_a_sample_with_a_result_already_is_refused_as_a_duplicate(coordinator, marrows):
    first, second, _ = marrows
    FlowMrdFactory(marrow=first, value_pct=0.5)
    rows = [flow_row(first, value_pct="0.02"), flow_row(second), flow_row(second, value_pct="0.04")]

    report = run_import(user=coordinator, data=as_json(rows), fmt="json", dry_run=False)

    assert [(e.row, e.field) for e in report.errors] == [(1, "sample_id"), (3, "sample_id")]
    assert "already has a flow MRD result" in report.errors[0].message
    assert report.errors[1].message == "Row 2 already gives the flow MRD result of this sample."
    assert list(FlowMrd.objects.values_list("marrow_id", "value_pct")) == [(first.pk, 0.5)]


def test_a_row_must_match_the_sample_id_and_its_date(coordinator, marrows):
    first = marrows[0]
    rows = [
        flow_row(first, sample_date=(first.sample_date + datetime.timedelta(days=1)).isoformat()),
        flow_row(first, sample_id="BM-9999"),
    ]
    report = run_import(user=coordinator, data=as_csv(rows), fmt="csv", dry_run=False)

    assert report.errors == [
        RowError(1, "sample_date", f"Sample BM-0001 of {first.participant.participant_id} is recorded with the "
                                   f"aspirate date {read(first.sample_date)}, not "
                                   f"{read(first.sample_date + datetime.timedelta(days=1))}."),
        RowError(2, "sample_id", f"No marrow sample BM-9999 is recorded for {first.participant.participant_id}: "
                                 "enter the bone marrow assessment first."),
    ]


def test_a_locked_participant_refuses_the_whole_file(coordinator, data_manager, marrows):
    locking.lock(user=data_manager, scope="participant", participant=marrows[2].participant, reason="Reviewed")

    report = run_import(user=coordinator, data=as_csv(good_rows(marrows)), fmt="csv", dry_run=False)

    assert [(e.row, e.field) for e in report.errors] == [(3, "sample_id"), (5, "sample_id")]
    assert "locked" in report.errors[0].message.lower()
    assert nothing_saved()


@pytest.mark.parametrize(("data", "fmt", "column", "words"), [
    (b"assay,participant_id,sample_date,sample_id,lod\r\n", "csv", "lod", "Unknown column 'lod'"),
    (b"assay,participant_id,sample_date\r\nflow,01-001,2026-01-01\r\n", "csv", "sample_id", "'sample_id' is missing"),
    (b"assay,participant_id,sample_date,sample_id\r\n", "csv", "", "holds no results"),
    (b'{"assay": "flow"}', "json", "", "a list of results"),
    (b"[{", "json", "", "The JSON cannot be read"),
    (b"\xff\xfeassay", "csv", "", "not UTF-8"),
    (b"assay\r\n", "xlsx", "", "Unknown file format"),
])
def test_a_file_that_cannot_be_read_is_refused_whole(coordinator, data, fmt, column, words):
    report = run_import(user=coordinator, data=data, fmt=fmt, dry_run=False)

    assert (report.saved, len(report.errors), report.errors[0].row, report.errors[0].field) == (0, 1, 0, column)
    assert words in report.errors[0].message


def test_a_refusal_while_saving_undoes_the_rows_saved_before_it(coordinator, marrows, monkeypatch):
    """One transaction: a lock taken between the check and the save of row 3 takes rows 1 and 2 back."""
    from assessments import lab_import
    from integrity.services import RecordLocked

    real_save, calls = lab_import.save_record, []

    def save_then_refuse_the_third(form, **kwargs):
        calls.append(form)
        if len(calls) == 3:
            raise RecordLocked("This participant is locked.")
        return real_save(form, **kwargs)

    monkeypatch.setattr(lab_import, "save_record", save_then_refuse_the_third)
    report = run_import(user=coordinator, data=as_csv(good_rows(marrows)), fmt="csv", dry_run=False)

    assert (report.saved, report.errors) == (0, [RowError(3, "sample_id", "This participant is locked.")])
    assert nothing_saved()
    assert not event_model_for(FlowMrd).objects.exists()


def test_checking_a_file_costs_a_fixed_number_of_queries_per_row(coordinator, marrows, django_assert_max_num_queries):
    rows = good_rows(marrows)
    # Once: the savepoint and its rollback, the user's sites (2), the participants, the marrows. Each row: its
    # existing result, the participant's enrollment, the form's one-per-marrow check, the locks.
    with django_assert_max_num_queries(7 + 4 * len(rows)):
        assert run_import(user=coordinator, data=as_csv(rows), fmt="csv", dry_run=True).ok

"""Automatic edit checks raise queries after a save (through the one write path) or in the sweep, and close
them when the data are fixed."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from assessments.models import FlowResultType, ResponseCall
from integrity import edit_checks
from integrity.edit_checks import register, unregister
from integrity.models import DataQuery, QueryStatus
from integrity.services import save_record
from tests.factories.assessments import FlowMrdFactory, MarrowFactory, ResponseCallFactory
from tests.factories.cycles import CycleFactory


def _live(code):
    return list(DataQuery.objects.filter(check_code=code).exclude(status=QueryStatus.CLOSED))


@pytest.fixture
def weight_check():
    """A check of the test's own: participant weight above 150 kg needs confirming."""

    @register("TEST_WEIGHT", model="enrollment.Participant", field="weight_kg")
    def heavy(participant, cache):
        return "Weight above 150 kg: please confirm." if participant.weight_kg > 150 else None

    yield edit_checks.REGISTRY["TEST_WEIGHT"]
    unregister("TEST_WEIGHT")


def _save(record, user, **changes):
    """Edit `record` through save_record, as every view does."""
    from django.forms import modelform_factory

    from integrity.forms import ClinicalRecordForm
    from tests.factories.integrity import form_data

    form_class = modelform_factory(type(record), form=ClinicalRecordForm, exclude=[])
    data = {**form_data(record), **{k: str(v) for k, v in changes.items()}, "row_version": record.row_version,
            "change_reason": "Answer to a data query"}
    form = form_class(data, instance=record)
    assert form.is_valid(), form.errors
    return save_record(form, user=user, reason=form.reason, expected_version=record.row_version)


def test_a_check_raises_one_query_after_a_save_and_closes_it_when_the_value_is_fixed(
    weight_check, participant, coordinator
):
    participant = _save(participant, coordinator, weight_kg="180")
    participant = _save(participant, coordinator, weight_kg="181")  # still wrong: still one query
    [query] = _live("TEST_WEIGHT")
    assert (query.field_name, query.participant, query.raised_by) == ("weight_kg", participant, None)

    _save(participant, coordinator, weight_kg="80")

    query.refresh_from_db()
    assert query.status == QueryStatus.CLOSED
    assert [m.kind for m in query.messages.all()] == ["raise", "auto"]


def test_the_sweep_raises_and_closes_when_data_changed_outside_the_forms(weight_check, participant):
    type(participant).objects.filter(pk=participant.pk).update(weight_kg=200)
    assert edit_checks.sweep() == (1, 0)
    type(participant).objects.filter(pk=participant.pk).update(weight_kg=70)
    assert edit_checks.sweep() == (0, 1)


def test_investigator_call_differing_from_the_derived_response_raises_a_query_when_saved(participant, investigator):
    marrow = MarrowFactory(participant=participant, timepoint="EOC1", blasts_pct=30)  # derived: not CR
    call = ResponseCallFactory(marrow=marrow, response="CR")

    edit_checks.run_for_participant(participant)

    [query] = _live("RSP_DIFF")
    assert (query.content_type, query.object_id, query.field_name) == (
        ContentType.objects.get_for_model(ResponseCall), call.pk, "response"
    )
    assert "differs from the derived response" in query.text

    type(marrow).objects.filter(pk=marrow.pk).update(blasts_pct=1)
    from assessments.derived import derive_for_participant

    derived = next(m for m in derive_for_participant(participant.pk).marrows if m.marrow_id == marrow.pk)
    ResponseCall.objects.filter(pk=call.pk).update(response=derived.derived_response)
    edit_checks.run_for_participant(participant)
    assert _live("RSP_DIFF") == []


def test_flow_mrd_not_detected_without_lod_raises_a_query_on_the_lod_field_when_checked(participant):
    flow = FlowMrdFactory(marrow__participant=participant, result_type=FlowResultType.NOT_DETECTED, value_pct=None,
                          lod_pct=None)

    edit_checks.run_for_participant(participant)

    [query] = _live("FLOW_NO_LOD")
    assert (query.object_id, query.field_name) == (flow.pk, "lod_pct")
    type(flow).objects.filter(pk=flow.pk).update(lod_pct=0.005)
    edit_checks.run_for_participant(participant)
    assert _live("FLOW_NO_LOD") == []


def test_a_missing_end_of_cycle_marrow_raises_a_query_after_its_window_when_swept(participant):
    cycle = CycleFactory(participant=participant, day1_on=datetime.date.today() - datetime.timedelta(days=40))
    recent = CycleFactory(participant=participant, number=2, day1_on=datetime.date.today() - datetime.timedelta(days=5))

    edit_checks.sweep()

    [query] = _live("EOC_MARROW_MISSING")
    assert (query.object_id, query.participant) == (cycle.pk, participant)
    assert recent.pk != query.object_id  # cycle 2's window is still open
    MarrowFactory(participant=participant, timepoint="EOC1")
    edit_checks.sweep()
    assert _live("EOC_MARROW_MISSING") == []


def test_a_save_runs_only_the_checks_its_model_can_affect(participant):
    from tests.factories.assessments import BloodCountFactory

    ran = []

    @register("TEST_READS_CBC", model="enrollment.Participant", field="weight_kg", reads=("assessments.BloodCount",))
    def reads_blood_counts(record, cache):
        ran.append("reads blood counts")

    @register("TEST_READS_NOTHING_ELSE", model="enrollment.Participant", field="weight_kg")
    def reads_the_participant_only(record, cache):
        ran.append("participant only")

    try:
        edit_checks.run_for_record(BloodCountFactory(participant=participant))
        assert ran == ["reads blood counts"]
        ran.clear()
        edit_checks.run_for_record(participant)
        assert sorted(ran) == ["participant only", "reads blood counts"]
    finally:
        unregister("TEST_READS_CBC")
        unregister("TEST_READS_NOTHING_ELSE")


def test_a_marrow_edit_reruns_the_response_check_of_its_call_when_saved(participant, coordinator):
    from assessments.derived import derive_for_participant

    def derived_response(marrow) -> str:
        marrows = derive_for_participant(participant.pk).marrows
        return next(m for m in marrows if m.marrow_id == marrow.pk).derived_response

    marrow = MarrowFactory(participant=participant, timepoint="EOC1", blasts_pct=1)
    before = derived_response(marrow)
    ResponseCallFactory(marrow=marrow, response=before)  # the call agrees with the data
    marrow = _save(marrow, coordinator, blasts_pct="30")
    assert derived_response(marrow) != before  # precondition: the edit changes the derived response
    [query] = _live("RSP_DIFF")  # raised by the marrow's save, though the call itself was not touched
    assert query.field_name == "response"

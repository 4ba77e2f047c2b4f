"""A row-local edit check (its answer reads the record and its `reads` models, never another record of its own
model) looks, after a save, at the saved record alone: its other records are not read again, their queries are
left as they are, and a record created by the save has no query to look up."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrity import edit_checks
from integrity.edit_checks import register, unregister
from integrity.models import DataQuery, QueryStatus
from tests.factories.assessments import BloodCountFactory

pytestmark = pytest.mark.django_db

CODE = "TEST_LOW_PLATELETS"


@pytest.fixture
def platelet_check():
    """A row-local check of the test's own: platelets under 20 x 10^9/L need confirming."""

    @register(CODE, model="assessments.BloodCount", field="platelets_e9_per_l", row_local=True)
    def low(cbc, cache):
        return "Platelets under 20: please confirm." if cbc.platelets_e9_per_l < 20 else None

    yield
    unregister(CODE)


def _open_on() -> set[int]:
    return set(
        DataQuery.objects.filter(check_code=CODE).exclude(status=QueryStatus.CLOSED).values_list("object_id", flat=True)
    )


def _blood_count_reads(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "assessments_bloodcount"')]


def test_an_edit_looks_at_the_edited_record_alone(platelet_check, participant):
    first = BloodCountFactory(participant=participant, platelets_e9_per_l=10)
    second = BloodCountFactory(participant=participant, platelets_e9_per_l=12)
    assert edit_checks.run_for_participant(participant) == (2, 0)

    first.platelets_e9_per_l = 150
    first.save()
    type(second).objects.filter(pk=second.pk).update(platelets_e9_per_l=200)  # fixed outside the save path
    with CaptureQueriesContext(connection) as queries:
        assert edit_checks.run_for_record(first, frozenset({"platelets_e9_per_l"})) == (0, 1)

    assert _open_on() == {second.pk}  # the other record's query waits for its own save, or the sweep
    assert _blood_count_reads(queries) == []
    assert edit_checks.sweep() == (0, 1) and _open_on() == set()


def test_a_new_record_is_checked_without_reading_records_or_queries(platelet_check, participant):
    BloodCountFactory(participant=participant, platelets_e9_per_l=150)
    new = BloodCountFactory(participant=participant, platelets_e9_per_l=5)

    with CaptureQueriesContext(connection) as queries:
        assert edit_checks.run_for_record(new, created=True) == (1, 0)

    assert _open_on() == {new.pk}
    assert _blood_count_reads(queries) == []
    assert not any(q["sql"].startswith('SELECT "integrity_dataquery"') for q in queries.captured_queries)


def test_a_removed_record_closes_its_query(platelet_check, participant):
    cbc = BloodCountFactory(participant=participant, platelets_e9_per_l=5)
    edit_checks.run_for_participant(participant)
    cbc.is_deleted = True
    cbc.save()

    assert edit_checks.run_for_record(cbc) == (0, 1)
    assert _open_on() == set()


def test_a_check_that_is_not_row_local_looks_at_every_record_again(participant):
    seen = []

    @register("TEST_ALL_COUNTS", model="assessments.BloodCount", field="platelets_e9_per_l")
    def every(cbc, cache):
        seen.append(cbc.pk)

    try:
        first = BloodCountFactory(participant=participant)
        second = BloodCountFactory(participant=participant)
        edit_checks.run_for_record(first, frozenset({"platelets_e9_per_l"}))
        assert sorted(seen) == sorted([first.pk, second.pk])
    finally:
        unregister("TEST_ALL_COUNTS")

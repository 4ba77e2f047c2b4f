"""Every committed write to clinical data, whatever its path, leads to a recompute (tasks inline here)."""

import pytest
from django.db import connection, transaction

from endpoints.models import EndpointSnapshot, RecomputeRun
from enrollment.models import ScreeningRecord
from integrity.models import current_data_version
from tests.factories.enrollment import ScreeningFactory


def stored_version() -> int | None:
    snap = EndpointSnapshot.objects.order_by("-computed_at").first()
    return snap.data_version if snap else None


@pytest.mark.django_db
def test_an_orm_save_schedules_a_recompute_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ScreeningFactory()
    assert len(callbacks) == 1  # one recompute per transaction, however many statements it ran
    assert stored_version() == current_data_version()


# These run with real commits (transaction=True): in a pytest transaction nothing is ever committed.
@pytest.mark.django_db(transaction=True)
def test_a_queryset_update_recomputes_after_commit():
    record = ScreeningFactory()
    version_before = current_data_version()
    with transaction.atomic():
        ScreeningRecord.objects.filter(pk=record.pk).update(ecog=2)
        assert stored_version() == version_before  # nothing before the commit
    assert current_data_version() == version_before + 1
    assert stored_version() == current_data_version()


@pytest.mark.django_db(transaction=True)
def test_raw_sql_through_django_recomputes_after_commit():
    record = ScreeningFactory()
    version_before = current_data_version()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE enrollment_screeningrecord SET ecog = 0 WHERE id = %s", [record.pk])
    assert current_data_version() == version_before + 1
    assert stored_version() == current_data_version()


@pytest.mark.django_db
def test_reads_and_non_clinical_writes_schedule_nothing(django_capture_on_commit_callbacks, site_a):
    ScreeningFactory(site=site_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        list(ScreeningRecord.objects.all())
        site_a.name = "Renamed"
        site_a.save()
    assert callbacks == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_schedules_nothing_and_the_next_one_does():
    before_runs = RecomputeRun.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        ScreeningFactory()
        raise RuntimeError("abandon the entry")
    assert RecomputeRun.objects.count() == before_runs
    with transaction.atomic():
        ScreeningFactory()
    assert RecomputeRun.objects.count() == before_runs + 1
    assert stored_version() == current_data_version()


@pytest.mark.django_db(transaction=True)
def test_a_write_in_autocommit_mode_recomputes_at_once():
    ScreeningFactory()  # no surrounding transaction: each statement commits by itself
    assert stored_version() == current_data_version()

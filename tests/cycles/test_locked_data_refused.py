"""Every treatment write service refuses a locked participant's data with the lock's message (RecordLocked): starting
and closing a cycle, recording a dose, an infusion segment, a visit and a transplant; a QuerySet.update() that no
service checks is refused by the database; the study freeze holds the same way."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from cycles import services
from cycles.models import Administration, BlinatumomabSegment, Cycle, CycleStatus, Transplant, VisitRecord
from cycles.regimen import REGIMEN
from integrity import locking
from integrity.models import LockScope
from integrity.services import RecordLocked
from tests.factories.cycles import start_cycle


@pytest.fixture
def cycle(participant, today, coordinator):
    return start_cycle(participant, day1_on=today - datetime.timedelta(days=10), user=coordinator)


@pytest.fixture
def lock_participant(participant, data_manager):
    return lambda: locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant, reason="SDV")


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Cycle, Administration, BlinatumomabSegment, VisitRecord, Transplant))


def test_starting_a_cycle_of_a_locked_participant_is_refused(participant, lock_participant, today, coordinator):
    lock_participant()

    with pytest.raises(RecordLocked, match=f"Participant {participant.participant_id} is locked"):
        services.start_cycle(participant=participant, day1_on=today, user=coordinator)

    assert not Cycle.objects.filter(participant=participant).exists()


def test_every_write_of_a_locked_participants_cycle_is_refused(cycle, lock_participant, today, coordinator):
    administration = cycle.administrations.order_by("id").first()
    lock_participant()
    before = _counts()
    visit_code = REGIMEN.cycle(1).visits[0].code

    writes = {
        "dose": lambda: services.record_administration(
            administration=administration,
            status="given",
            given_on=administration.planned_on,
            actual_dose_mg=administration.planned_dose_mg,
            user=coordinator,
        ),
        "segment": lambda: services.add_segment(
            cycle=cycle, started_at=_at(cycle.day1_on, 8), rate_mcg_per_day=Decimal("9"), user=coordinator
        ),
        "visit": lambda: services.record_visit(cycle=cycle, visit_code=visit_code, visited_on=today, user=coordinator),
        "close": lambda: services.close_cycle(cycle=cycle, status=CycleStatus.COMPLETED, user=coordinator),
        "transplant": lambda: services.add_transplant(
            participant=cycle.participant,
            user=coordinator,
            transplanted_on=today,
            donor_type="matched_sibling",
            conditioning_intensity="MAC",
            conditioning_regimen="TBI",
        ),
    }
    for name, write in writes.items():
        with pytest.raises(RecordLocked, match="is locked"):
            write()
        assert _counts() == before, name

    administration.refresh_from_db()
    cycle.refresh_from_db()
    assert (administration.status, cycle.status) == ("planned", CycleStatus.ONGOING)


def test_a_queryset_update_of_a_locked_participants_doses_is_refused_by_the_database(cycle, lock_participant):
    lock_participant()

    with pytest.raises(DatabaseError, match="is locked"), transaction.atomic():
        Administration.objects.filter(cycle=cycle).update(status="given", given_on=timezone.localdate())

    assert set(Administration.objects.filter(cycle=cycle).values_list("status", flat=True)) == {"planned"}


def test_a_cycle_start_is_refused_while_the_study_is_frozen(participant, data_manager, today, coordinator):
    locking.lock(user=data_manager, scope=LockScope.STUDY, reason="Final analysis")

    with pytest.raises(RecordLocked, match="The study database is frozen"):
        services.start_cycle(participant=participant, day1_on=today, user=coordinator)


def test_a_service_that_skips_its_check_is_still_refused_by_the_database(
    cycle, lock_participant, coordinator, monkeypatch
):
    lock_participant()
    monkeypatch.setattr(locking, "edit_blocked_reason", lambda instance: None)

    with pytest.raises(RecordLocked, match="is locked"):
        services.close_cycle(cycle=cycle, status=CycleStatus.COMPLETED, user=coordinator)

    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.ONGOING

"""treatment_dates(): C1D1 = first GIVEN dose of any protocol drug, each cycle's actual day 1, HSCT date."""

import datetime
from decimal import Decimal

import pytest

from cycles import services
from cycles.models import AdministrationStatus
from tests.factories.cycles import SegmentFactory, TransplantFactory, start_cycle

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def give(adm, user, status=AdministrationStatus.GIVEN, **kw):
    return services.record_administration(
        administration=adm,
        status=status,
        given_on=kw.pop("given_on", adm.planned_on),
        actual_dose_mg=kw.pop("dose", adm.planned_dose_mg),
        user=user,
        **kw,
    )


def test_c1d1_is_first_given_dose_when_day1_dose_was_held(
    participant, today, coordinator, django_assert_max_num_queries
):
    day1 = today - D(days=50)
    c1 = start_cycle(participant, day1, coordinator)
    services.record_administration(
        administration=c1.administrations.get(drug_code="DXM", cycle_day=1),
        status=AdministrationStatus.HELD,
        reason="Hyperglycaemia",
        user=coordinator,
    )
    services.record_administration(
        administration=c1.administrations.get(drug_code="VDS", cycle_day=1),
        status=AdministrationStatus.OMITTED,
        reason="Line not placed",
        user=coordinator,
    )
    give(c1.administrations.get(drug_code="DXM", cycle_day=2), coordinator)
    c2 = start_cycle(participant, day1 + D(days=30), coordinator, delay_reason="")
    TransplantFactory(participant=participant, transplanted_on=today - D(days=2))
    with django_assert_max_num_queries(4):
        dates = services.treatment_dates([participant.pk])
    assert dates[participant.pk].c1d1 == day1 + D(days=1)
    assert dates[participant.pk].cycle_day1 == {1: day1, 2: c2.day1_on}
    assert dates[participant.pk].hsct == today - D(days=2)
    participant.refresh_from_db()
    assert (participant.status, participant.status_on) == ("on_treatment", day1 + D(days=1))


def test_c1d1_is_infusion_start_when_blinatumomab_came_first(participant, today, coordinator):
    day1 = today - D(days=20)
    c1 = start_cycle(participant, day1, coordinator)
    give(c1.administrations.get(drug_code="VDS", cycle_day=8), coordinator)
    SegmentFactory(cycle=c1, rate_mcg_per_day=Decimal("9"))  # starts day 1 08:00 UTC
    assert services.treatment_dates([participant.pk])[participant.pk].c1d1 == day1


def test_no_dates_when_nothing_given(participant, today, coordinator):
    start_cycle(participant, today - D(days=3), coordinator)
    t = services.treatment_dates([participant.pk])[participant.pk]
    assert (t.c1d1, t.hsct) == (None, None) and t.cycle_day1 == {1: today - D(days=3)}
    participant.refresh_from_db()
    assert participant.status == "enrolled"

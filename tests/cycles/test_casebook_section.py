"""The casebook section: cycles with doses and blinatumomab figures, due items and timeline entries."""

import datetime

import pytest

from cycles import services
from cycles.casebook import section
from cycles.models import AdministrationStatus
from tests.factories.cycles import SegmentFactory, start_cycle

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def test_section_lists_doses_due_visits_and_timeline_when_cycle_ongoing(participant, today, coordinator):
    c1 = start_cycle(participant, today - D(days=8), coordinator)  # today is day 9: D8 window day 7-9
    adm = c1.administrations.get(drug_code="VDS", cycle_day=1)
    services.record_administration(
        administration=adm,
        status=AdministrationStatus.GIVEN,
        given_on=adm.planned_on,
        actual_dose_mg=adm.planned_dose_mg,
        user=coordinator,
    )
    SegmentFactory(cycle=c1)  # 48 h at 9 ug/day
    s = section(participant, coordinator)
    row = s.context["cycles"][0]
    assert row["blina"].delivered_mcg == 18
    assert len(row["administrations"]) == 14
    due = {d.label: d.status for d in s.due}
    assert due["C1 Day 8 (step-up)"] == "due"
    assert due["C1 Day 15"] == "upcoming"
    assert "C1 Day 1" not in due  # done: a dose was given that day
    kinds = sorted((t.kind, t.label) for t in s.timeline)
    assert ("cycle", "Cycle 1 day 1") in kinds
    assert ("dose", "Vindesine 5.00 mg") in kinds
    assert ("dose", "Blinatumomab 9.0 µg/day started") in kinds


def test_section_is_empty_when_no_cycle(participant, coordinator):
    s = section(participant, coordinator)
    assert s.context["cycles"] == [] and s.due == [] and s.timeline == []


def test_the_section_gives_the_casebook_c1d1_as_the_first_dose_dates_query_does(participant, today, coordinator):
    assert section(participant, coordinator).context["c1d1"] is None  # nothing given yet
    c1 = start_cycle(participant, today - D(days=8), coordinator)
    SegmentFactory(cycle=c1, started_at=datetime.datetime.combine(c1.day1_on + D(days=1), datetime.time(8),
                                                                   tzinfo=datetime.UTC))
    adm = c1.administrations.get(drug_code="VDS", cycle_day=1)
    services.record_administration(administration=adm, status=AdministrationStatus.GIVEN, given_on=adm.planned_on,
                                   actual_dose_mg=adm.planned_dose_mg, user=coordinator)
    c1d1 = section(participant, coordinator).context["c1d1"]
    assert c1d1 == c1.day1_on == services.first_dose_dates([participant.pk])[participant.pk]


def test_the_casebook_header_takes_c1d1_from_the_section_without_querying_again(
    participant, today, coordinator, coordinator_client, monkeypatch
):
    from django.urls import reverse

    from enrollment import views as enrollment_views

    c1 = start_cycle(participant, today - D(days=8), coordinator)
    adm = c1.administrations.get(drug_code="VDS", cycle_day=1)
    services.record_administration(administration=adm, status=AdministrationStatus.GIVEN, given_on=adm.planned_on,
                                   actual_dose_mg=adm.planned_dose_mg, user=coordinator)

    def header_query(_participant):
        raise AssertionError("the header queried C1D1 again")

    monkeypatch.setattr(enrollment_views, "_first_dose_date", header_query)
    response = coordinator_client.get(reverse("enrollment:participant-detail", args=[participant.pk]))
    assert response.status_code == 200
    assert response.context["c1d1"] == c1.day1_on

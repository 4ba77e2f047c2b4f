"""Acceptance 4: the due/overdue page and the participant calendar run a constant number of SQL queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cycles import services
from cycles.models import AdministrationStatus, VisitRecord
from tests.factories.cycles import SegmentFactory, start_cycle
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def add_participants(site, n, today, user):
    for i in range(n):
        screening = ScreeningFactory(site=site, screened_on=today - D(days=80), status="enrolled")
        p = ParticipantFactory(screening=screening)
        c1 = start_cycle(p, today - D(days=60 - i % 20), user)
        adm = c1.administrations.order_by("planned_on").first()
        services.record_administration(
            administration=adm,
            status=AdministrationStatus.GIVEN,
            given_on=adm.planned_on,
            actual_dose_mg=adm.planned_dose_mg,
            user=user,
        )
        SegmentFactory(cycle=c1)
        VisitRecord.objects.create(cycle=c1, visit_code="EOC", visited_on=c1.day1_on + D(days=28))
        start_cycle(p, c1.day1_on + D(days=28), user)


def count(client, url) -> int:
    client.get(url)  # warm the session and user caches like a real page view
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_due_visits_queries_constant_when_participants_grow(
    coordinator_client, site_a, coordinator, today, django_assert_max_num_queries
):
    add_participants(site_a, 3, today, coordinator)
    url = reverse("cycles:due-visits") + "?show=all"
    small = count(coordinator_client, url)
    add_participants(site_a, 57, today, coordinator)
    with django_assert_max_num_queries(small):
        response = coordinator_client.get(url)
    assert len({c.participant_id for c, _ in response.context["rows"]}) == 60


def test_participant_calendar_queries_constant_when_participants_and_records_grow(
    coordinator_client, site_a, coordinator, today, django_assert_max_num_queries
):
    add_participants(site_a, 3, today, coordinator)
    from enrollment.models import Participant

    first = Participant.objects.order_by("pk").first()
    url = reverse("cycles:participant-calendar", args=[first.pk])
    small = count(coordinator_client, url)
    add_participants(site_a, 57, today, coordinator)
    for cycle in first.cycles.all():
        VisitRecord.objects.create(cycle=cycle, visit_code="D22", missed_reason="Holiday")
    with django_assert_max_num_queries(small):
        response = coordinator_client.get(url)
    assert len(response.context["cycles"]) == 2


def test_casebook_section_queries_constant_when_records_grow(coordinator, site_a, today, django_assert_max_num_queries):
    from cycles.casebook import section

    add_participants(site_a, 1, today, coordinator)
    from enrollment.models import Participant

    p = Participant.objects.get()
    with CaptureQueriesContext(connection) as ctx:
        small_section = section(p, coordinator)
    c2 = p.cycles.get(number=2)
    for k in range(10):
        SegmentFactory(cycle=c2, started_at=SegmentFactory.build(cycle=c2).started_at + D(days=2 * k))
    with django_assert_max_num_queries(len(ctx)):
        big = section(p, coordinator)
    assert len(big.timeline) == len(small_section.timeline) + 10

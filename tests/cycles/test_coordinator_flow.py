"""Acceptance 1 through the real views: start C1, see the plan, record doses and segments (interruption
and restart), start C2 late with a reason, and the calendar follows each cycle's actual day 1."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cycles.models import Administration, AdministrationStatus, BlinatumomabSegment, Cycle
from enrollment.models import StatusChange

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def start(client, participant, day1, **extra):
    page = client.get(reverse("cycles:cycle-start", args=[participant.pk]))
    token = page.context["form"]["submission_token"].value()
    data = {"day1_on": day1.isoformat(), "weight_kg": "70", "submission_token": token, **extra}
    return client.post(reverse("cycles:cycle-start", args=[participant.pk]), data)


def record(client, adm, **fields):
    data = {
        "status": "given",
        "given_on": adm.planned_on.isoformat(),
        "actual_dose_mg": str(adm.planned_dose_mg),
        "route": adm.route,
        "reason": "",
        "row_version": adm.row_version,
        **fields,
    }
    return client.post(reverse("cycles:administration-record", args=[adm.pk]), data)


def segment(client, cycle, start, stop, rate, stop_reason="bag_change", premed=None):
    data = {
        "started_at": start.strftime("%Y-%m-%dT%H:%M"),
        "stopped_at": stop.strftime("%Y-%m-%dT%H:%M") if stop else "",
        "rate_mcg_per_day": str(rate),
        "stop_reason": stop_reason if stop else "",
        "premedication_at": premed.strftime("%Y-%m-%dT%H:%M") if premed else "",
    }
    return client.post(reverse("cycles:segment-add", args=[cycle.pk]), data)


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def test_coordinator_flow_when_cycle1_then_late_cycle2(coordinator_client, participant, today):
    c1d1 = today - D(days=40)
    response = start(coordinator_client, participant, c1d1)
    cycle = Cycle.objects.get(participant=participant, number=1)
    assert response.status_code == 302 and response["Location"] == reverse("cycles:cycle-detail", args=[cycle.pk])
    assert cycle.bsa_m2 == Decimal("1.82") and cycle.day1_on == c1d1

    detail = coordinator_client.get(reverse("cycles:cycle-detail", args=[cycle.pk]))
    html = detail.content.decode()
    assert "Vindesine" in html and "Cyclophosphamide" in html and "364.00" in html  # 200 mg/m2 x 1.82
    assert Administration.objects.filter(cycle=cycle).count() == 14

    # first dose -> on treatment, dated C1D1
    vds1 = Administration.objects.get(cycle=cycle, drug_code="VDS", cycle_day=1)
    assert record(coordinator_client, vds1).status_code == 302
    vds1.refresh_from_db()
    assert (vds1.status, vds1.given_on, vds1.actual_dose_mg) == ("given", c1d1, Decimal("5.00"))
    participant.refresh_from_db()
    assert participant.status == "on_treatment" and participant.status_on == c1d1
    assert StatusChange.objects.filter(participant=participant, to_status="on_treatment").count() == 1

    # a reduced dose with its reason
    ctx3 = Administration.objects.get(cycle=cycle, drug_code="CTX", cycle_day=3)
    assert (
        record(coordinator_client, ctx3, status="reduced", actual_dose_mg="273", reason="Grade 2 ALT").status_code
        == 302
    )
    ctx3.refresh_from_db()
    assert ctx3.status == AdministrationStatus.REDUCED and ctx3.deviation_pct == -25.0

    # infusion: 9 ug/day, bag change, step-up 28, AE stop, restart after 30 h
    d = c1d1
    assert segment(coordinator_client, cycle, at(d, 8), at(d + D(days=2), 8), 9, premed=at(d, 7)).status_code == 302
    assert segment(coordinator_client, cycle, at(d + D(days=2), 8), at(d + D(days=7), 8), 9).status_code == 302
    assert (
        segment(
            coordinator_client,
            cycle,
            at(d + D(days=7), 8),
            at(d + D(days=9), 8),
            28,
            "adverse_event",
            at(d + D(days=7), 7),
        ).status_code
        == 302
    )
    assert (
        segment(
            coordinator_client, cycle, at(d + D(days=10), 14), at(d + D(days=11), 14), 9, premed=at(d + D(days=10), 13)
        ).status_code
        == 302
    )
    assert BlinatumomabSegment.objects.filter(cycle=cycle).count() == 4
    detail = coordinator_client.get(reverse("cycles:cycle-detail", args=[cycle.pk]))
    blina = detail.context["blina"]
    assert (blina.delivered_mcg, blina.infusion_days, blina.interruption_count, blina.interruption_total_hours) == (
        128,
        10,
        1,
        30,
    )
    assert 'data-testid="blina-delivered">128.0 µg' in detail.content.decode()

    # cycle 2 late (C1D1 + 35 > + 31) without a reason is refused, with one it starts
    c2d1 = c1d1 + D(days=35)
    refused = start(coordinator_client, participant, c2d1)
    assert refused.status_code == 400 and "delay_reason" in refused.context["form"].errors
    assert not Cycle.objects.filter(participant=participant, number=2).exists()
    assert start(coordinator_client, participant, c2d1, delay_reason="ANC not recovered").status_code == 302
    c2 = Cycle.objects.get(participant=participant, number=2)
    assert (c2.day1_on, c2.planned_day1_on, c2.delay_reason) == (c2d1, c1d1 + D(days=28), "ANC not recovered")
    assert Administration.objects.filter(cycle=c2, drug_code="VEN").count() == 21
    cycle.refresh_from_db()
    assert cycle.status == "completed"

    # the calendar follows the actual day 1 of cycle 2, not the planned one
    cal = coordinator_client.get(reverse("cycles:participant-calendar", args=[participant.pk]))
    c2_visits = {v.code: v for c, visits in cal.context["cycles"] if c.number == 2 for v in visits}
    assert c2_visits["D8"].target == c2d1 + D(days=7)
    assert c2_visits["EOC"].window_start == c2d1 + D(days=25)
    assert 'data-testid="visit-2-D8"' in cal.content.decode()

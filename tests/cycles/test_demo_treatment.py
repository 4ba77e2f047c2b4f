"""The demo gives realistic treatment through the services: nothing in the future, C1D1 after enrollment."""

import datetime
import random

import pytest

from cycles.demo import add_demo_treatment
from cycles.models import Administration, BlinatumomabSegment, Cycle
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.mark.parametrize("days_ago", [400, 45, 10])
def test_demo_treatment_realistic_when_enrolled_days_ago(site_a, coordinator, today, days_ago):
    screening = ScreeningFactory(site=site_a, screened_on=today - D(days=days_ago + 3), status="enrolled")
    p = ParticipantFactory(screening=screening, enrolled_on=today - D(days=days_ago))
    out = add_demo_treatment(p, rng=random.Random(days_ago), user=coordinator)
    assert 1 <= (out["c1d1"] - p.enrolled_on).days <= 5
    cycles = list(Cycle.objects.filter(participant=p).order_by("number"))
    assert [c.day1_on for c in cycles] == [d for d in (out["c1d1"], out["c2d1"]) if d]
    assert not Administration.objects.filter(cycle__participant=p, given_on__gt=today).exists()
    assert not BlinatumomabSegment.objects.filter(cycle__participant=p, started_at__date__gt=today).exists()
    assert BlinatumomabSegment.objects.filter(cycle__participant=p).exists()
    if days_ago == 400:
        assert out["c2d1"] is not None
    if days_ago == 10:
        assert out["c2d1"] is None and cycles[0].status == "ongoing"
    p.refresh_from_db()
    assert p.status == "on_treatment" and p.status_on == out["c1d1"]

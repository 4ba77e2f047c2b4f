"""Acceptance 5: demo assessments are realistic (DOMAIN 1.3 ranges), consistent with treatment dates,
never in the future, and written through the forms (so they pass the browser's validation)."""

import datetime
import random

import pytest

from assessments import derived, models, rules
from assessments.demo import add_demo_assessments
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _demo_cohort(site, user, seed: int, n: int = 20):
    rng = random.Random(seed)
    participants = []
    for i in range(n):
        enrolled = TODAY - datetime.timedelta(days=700 - 30 * i)
        screening = ScreeningFactory(site=site, status="enrolled", screened_on=enrolled - datetime.timedelta(days=3))
        participant = ParticipantFactory(screening=screening, site=site, enrolled_on=enrolled)
        c1d1 = enrolled + datetime.timedelta(days=2)
        c2d1 = c1d1 + datetime.timedelta(days=28 + rng.randint(0, 6))
        treatment = {"c1d1": c1d1, "c2d1": c2d1 if c2d1 <= TODAY else None, "hsct": None}
        if i % 2 == 0 and c2d1 + datetime.timedelta(days=60) <= TODAY:
            treatment["hsct"] = c2d1 + datetime.timedelta(days=60)
        add_demo_assessments(participant, rng=rng, user=user, treatment=treatment)
        participants.append(participant)
    return participants


def test_demo_assessments_realistic_when_twenty_participants(site_a, coordinator):
    participants = _demo_cohort(site_a, coordinator, seed=7)
    result = derived.derive_for_participants([p.pk for p in participants])
    eoc1 = [result[p.pk].eoc1 for p in participants]
    eoc2 = [result[p.pk].eoc2 for p in participants]
    assert all(e is not None for e in eoc1)
    composite = sum(rules.is_remission(e.derived_response) for e in eoc1)
    assert 17 <= composite <= 20
    mrd_neg_cr_eoc2 = sum(e is not None and rules.primary_responder(e.derived_response, e.flow_class) for e in eoc2)
    assert 14 <= mrd_neg_cr_eoc2 <= 19
    reporting = sum(e is not None and e.derived_response == "CR" and e.flow_class_reporting == "NEG" for e in eoc2)
    ngs = sum(e is not None and e.ngs_class == "NEG" for e in eoc2)
    assert ngs < mrd_neg_cr_eoc2 and reporting < mrd_neg_cr_eoc2
    assert all(e.investigator_call for e in eoc1)
    contacts = models.FollowUpContact.objects.count()
    assert contacts >= 20 * 2
    assert models.ResponseCall.objects.filter(is_deleted=False).count() == sum(e is not None for e in eoc1 + eoc2)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_demo_assessments_consistent_and_not_in_future(site_a, coordinator, seed):
    participants = _demo_cohort(site_a, coordinator, seed=seed, n=8)
    dates = [
        *models.BoneMarrowAssessment.objects.values_list("sample_date", flat=True),
        *models.BloodCount.objects.values_list("sample_date", flat=True),
        *models.FollowUpContact.objects.values_list("contact_date", flat=True),
        *models.FollowUpContact.objects.exclude(death_date=None).values_list("death_date", flat=True),
    ]
    assert max(dates) <= TODAY
    result = derived.derive_for_participants([p.pk for p in participants])
    for p in participants:
        pa = result[p.pk]
        if pa.death_date:
            assert max(pa.dates_alive) <= pa.death_date
        if pa.eoc2:
            assert pa.eoc1.marrow_date < pa.eoc2.marrow_date
    assert all(m.created_by == coordinator for m in models.BoneMarrowAssessment.objects.all())


def test_demo_assessments_nothing_when_not_treated(participant, coordinator):
    add_demo_assessments(participant, rng=random.Random(1), user=coordinator,
                         treatment={"c1d1": None, "c2d1": None, "hsct": None})
    assert not models.BoneMarrowAssessment.objects.exists()

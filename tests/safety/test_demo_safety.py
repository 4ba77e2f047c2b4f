"""The demo's safety data are realistic and consistent: CRS grade 1-2 in most participants in the first days of
cycle 1 with 2-3 ASTCT assessments each, ICANS at the infusion interruptions, a laboratory TLS case in cycle 2,
one SAE whose 24-hour clock is running, prophylaxis and tocilizumab among the medications; nothing in the future,
everything written through the forms."""

import datetime
import random

import pytest
from django.utils import timezone

from assessments.demo import add_demo_assessments
from cycles.demo import add_demo_treatment
from safety import derived
from safety.demo import add_demo_safety
from safety.models import AdverseEvent, ChemistryPanel, ConcomitantMedication, CrsAssessment, IcansAssessment
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def cohort(site_a, coordinator):
    """Ten participants enrolled from 200 days ago to 10 days ago, with the demo's treatment and assessments."""
    participants = []
    for i in range(10):
        rng = random.Random(f"safety-demo-{i}")
        enrolled = TODAY - datetime.timedelta(days=200 - 21 * i)
        screening = ScreeningFactory(site=site_a, status="enrolled", screened_on=enrolled - datetime.timedelta(days=3))
        p = ParticipantFactory(screening=screening, site=site_a, enrolled_on=enrolled)
        treatment = add_demo_treatment(p, rng=rng, user=coordinator)
        add_demo_assessments(p, rng=rng, user=coordinator, treatment=treatment)
        add_demo_safety(p, rng=rng, user=coordinator, treatment=treatment)
        participants.append(p)
    return participants


def test_demo_safety_data_are_realistic(cohort):
    safety = {p.pk: derived.derive_for_participant(p) for p in cohort}
    crs = [row for s in safety.values() for row in s.aes if row.ae.term.code == "cytokine_release_syndrome"]
    assert len(crs) >= 5  # most participants (those treated for 3 days or more)
    for row in crs:
        assert row.cycle == 1 and 1 <= row.study_day <= 3
        assert 2 <= len(row.crs) <= 3
        assert row.computed_grade in (1, 2)
    assert any(len(row.crs) == 3 for row in crs) and any(row.computed_grade == 2 for row in crs)
    tls = [t for s in safety.values() for t in s.tls if t.result.laboratory]
    assert [t.cycle for t in tls] == [2] and tls[0].flagged_cycle
    assert AdverseEvent.objects.filter(term__code="tumor_lysis_syndrome", action_venetoclax="INTERRUPTED").count() == 1
    running = [row for s in safety.values() for row in s.aes if row.clock and row.clock.status == derived.DUE]
    assert len(running) == 1
    medications = set(ConcomitantMedication.objects.values_list("drug_name", flat=True))
    assert {"Tocilizumab", "Dexamethasone", "Allopurinol", "Aciclovir"} <= medications
    assert ConcomitantMedication.objects.filter(is_tocilizumab=True, adverse_event__isnull=False).exists()


def test_demo_safety_data_are_never_in_the_future(cohort):
    now = timezone.now()
    dates = [
        *AdverseEvent.objects.values_list("onset_date", flat=True),
        *AdverseEvent.objects.exclude(resolution_date=None).values_list("resolution_date", flat=True),
        *ChemistryPanel.objects.values_list("sample_date", flat=True),
        *ConcomitantMedication.objects.values_list("start_date", flat=True),
    ]
    assert dates and max(dates) <= TODAY
    times = [
        *CrsAssessment.objects.values_list("assessed_at", flat=True),
        *IcansAssessment.objects.values_list("assessed_at", flat=True),
        *AdverseEvent.objects.exclude(aware_at=None).values_list("aware_at", flat=True),
    ]
    assert times and max(times) <= now

"""The participant's endpoint page shows the MRD kinetics (issue 20): flow and NGS values at EOC1 and EOC2 with
their LODs and classes at each cut-off, and the responder rows (RFS, DOR, CIR) of its ADTTE table."""

import datetime
import html

import pytest
from django.urls import reverse

from endpoints.tasks import recompute_endpoints
from tests.endpoints.conftest import page_text
from tests.factories.assessments import (
    BloodCountFactory,
    EmdFactory,
    FlowMrdFactory,
    FollowUpContactFactory,
    MarrowFactory,
    NgsMrdFactory,
)
from tests.factories.endpoints import treated_with_mrd_negative_cr


def _shown(day: datetime.date) -> str:
    """A date as the page shows it (issue 17), written here independently of the code: 3 Nov 2026."""
    return f"{day.day} {day:%b %Y}"


@pytest.mark.django_db
def test_mrd_kinetics_table_shows_values_lods_and_classes_at_eoc1_and_eoc2(investigator_client, site_a):
    p, cycle = treated_with_mrd_negative_cr(site_a)  # EOC1: flow 0.02 % (LOD 0.005 %), NGS not detected (LOD 1e-6)
    eoc2_on = cycle.day1_on + datetime.timedelta(days=50)
    marrow = MarrowFactory(participant=p, timepoint="EOC2", sample_date=eoc2_on, blasts_pct=0.5)
    BloodCountFactory(participant=p, sample_date=eoc2_on)
    EmdFactory(participant=p, assessed_on=eoc2_on)
    FlowMrdFactory(marrow=marrow, result_type="NOT_DETECTED", value_pct=None, lod_pct=0.05)
    NgsMrdFactory(marrow=marrow, result="DETECTED", value_fraction=3.4e-5, lod_fraction=1e-6)
    FollowUpContactFactory(
        participant=p,
        contact_date=eoc2_on + datetime.timedelta(days=2),
        disease_status="RELAPSE",
        relapse_date=eoc2_on + datetime.timedelta(days=1),
    )
    recompute_endpoints()
    text = html.unescape(page_text(investigator_client.get(reverse("endpoints:participant", args=[p.pk]))))
    start = text.index("MRD kinetics")
    kinetics = text[start : text.index("Time-to-event rows")]
    eoc1 = cycle.day1_on + datetime.timedelta(days=27)
    assert f"EOC1 {_shown(eoc1)} 0.02 % 0.005 % negative positive not detected 10⁻⁶ negative < 10⁻⁶" in kinetics
    assert (
        f"EOC2 {_shown(eoc2_on)} not detected 0.05 % negative not evaluable (insufficient sensitivity) "
        "3.4 × 10⁻⁵ 10⁻⁶ positive 10⁻⁶ to < 10⁻⁴"
    ) in kinetics
    relapse_day = (eoc2_on + datetime.timedelta(days=1) - eoc1).days + 1
    assert f"CIR {_shown(eoc1)} {_shown(eoc2_on + datetime.timedelta(days=1))} {relapse_day}" in text

"""Cairo-Bishop TLS around each cycle start and CTCAE laboratory grades beside the values, on the casebook; the
cycle 2 (venetoclax) check is flagged. Expected values worked by hand from DOMAIN.md 4.5 and the settings of
safety.protocol (ULN creatinine 110 µmol/L, uric acid 420 µmol/L)."""

import pytest
from django.urls import reverse

from tests.safety.conftest import days_ago

pytestmark = pytest.mark.django_db


def _chemistry(client, participant, day, **values):
    data = {"sample_date": day.isoformat(), **{k: str(v) for k, v in values.items()}}
    response = client.post(reverse("safety:chemistry-add", args=[participant.pk]), data)
    assert response.status_code == 302, response.context["form"].errors


def test_clinical_tls_after_the_cycle_2_start_is_flagged_with_its_criteria_and_lab_grades(treated, coordinator_client):
    # baseline before C2D1 (20 days ago), then day 3 of cycle 2
    _chemistry(
        coordinator_client,
        treated,
        days_ago(22),
        potassium_mmol_per_l="4.0",
        uric_acid_umol_per_l="300",
        phosphate_mmol_per_l="1.0",
        calcium_mmol_per_l="2.3",
        creatinine_umol_per_l="80",
    )
    _chemistry(
        coordinator_client,
        treated,
        days_ago(18),
        potassium_mmol_per_l="6.1",
        uric_acid_umol_per_l="500",
        phosphate_mmol_per_l="1.1",
        calcium_mmol_per_l="2.2",
        creatinine_umol_per_l="170",
    )

    response = coordinator_client.get(reverse("enrollment:participant-detail", args=[treated.pk]))

    tls = {
        t.cycle: t
        for t in next(s for s in response.context["sections"] if s.title.startswith("Safety")).context["safety"].tls
    }
    # potassium >= 6.0 and uric acid >= 476: laboratory TLS; creatinine 170 >= 1.5 x 110 = 165: clinical
    assert (tls[2].result.laboratory, tls[2].result.clinical, tls[2].flagged_cycle) == (True, True, True)
    assert tls[2].result.met_analytes == ("uric_acid", "potassium")
    assert (tls[1].values_in_window, tls[1].result.laboratory) == (0, False)
    html = response.content.decode()
    block = html.split('data-testid="tls-cycle-2"', 1)[1].split("</li>\n", 1)[0]
    assert "Clinical TLS" in block and "venetoclax" in block
    assert "Cycle 2 TLS check: Clinical TLS" in html  # the timeline
    # potassium 6.1 mmol/L: > 6.0 - 7.0 is grade 3; uric acid 500 > ULN 420: grade 1; creatinine 170 µmol/L:
    # > 1.5 - 3.0 x ULN (165 - 330) is grade 2
    for title in ("Hyperkalemia grade 3", "Hyperuricemia grade 1", "Creatinine increased grade 2"):
        assert f'title="{title}"' in html, title


def test_no_tls_when_only_one_criterion_is_met(treated, coordinator_client):
    _chemistry(
        coordinator_client,
        treated,
        days_ago(19),
        potassium_mmol_per_l="6.2",
        uric_acid_umol_per_l="400",
        phosphate_mmol_per_l="1.2",
        calcium_mmol_per_l="2.3",
        creatinine_umol_per_l="90",
    )
    section = next(
        s
        for s in coordinator_client.get(reverse("enrollment:participant-detail", args=[treated.pk])).context["sections"]
        if s.title.startswith("Safety")
    )
    cycle2 = next(t for t in section.context["safety"].tls if t.cycle == 2)
    assert (cycle2.result.laboratory, cycle2.label) == (False, "No TLS")


def test_blood_count_grades_show_beside_the_values(treated, coordinator_client):
    from tests.factories.assessments import BloodCountFactory

    # ANC 0.4 < 0.5: grade 4; platelets 40 (< 50 - 25): grade 3; Hb 95 g/L (< 100 - 80): grade 2
    BloodCountFactory(
        participant=treated,
        sample_date=days_ago(50),
        anc_e9_per_l="0.4",
        platelets_e9_per_l="40",
        hb_g_per_l="95",
        wbc_e9_per_l="1.5",
    )
    html = coordinator_client.get(reverse("safety:participant-safety", args=[treated.pk])).content.decode()
    for title in (
        "Neutrophil count decreased grade 4",
        "Platelet count decreased grade 3",
        "Anemia grade 2",
        "White blood cell decreased grade 3",
    ):
        assert f'title="{title}"' in html, title

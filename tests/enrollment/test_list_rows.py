"""What each row of the participant list and the screening log shows (rows built by enrollment.presenters)."""

import pytest
from django.urls import reverse

from tests.dates import read
from tests.endpoints.conftest import page_text
from tests.factories.enrollment import ConsentFactory, ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db


def test_a_participant_row_links_the_casebook_and_shows_site_screening_status_and_bsa(coordinator_client, site_a):
    p = ParticipantFactory(screening__site=site_a, height_cm=170, weight_kg=70)
    response = coordinator_client.get(reverse("enrollment:participant-list"))
    html, text = response.content.decode(), page_text(response)
    assert f'href="{reverse("enrollment:participant-detail", args=[p.pk])}"' in html
    row = f"{p.participant_id} {site_a.code} {site_a.name} {p.screening.screening_number} {read(p.enrolled_on)}"
    assert row in text
    assert f"{p.bsa_m2:.2f}" in text and "1.82" in text  # sqrt(170 x 70 / 3600) = 1.818
    assert 'class="badge text-bg-primary" data-testid="status-badge">Enrolled<' in html
    assert "Trial enrollment: 1 / 20" in text


def test_screening_rows_show_eligibility_reasons_consent_and_the_participant(coordinator_client, site_a):
    failed = ScreeningFactory(site=site_a, cns_status="CNS3", age_years=17)
    consented = ConsentFactory(screening=ScreeningFactory(site=site_a)).screening
    enrolled = ParticipantFactory(screening__site=site_a)
    response = coordinator_client.get(reverse("enrollment:screening-list"))
    html, text = response.content.decode(), page_text(response)
    assert "Not eligible" in text and "present (exclusion)" in text and "17" in text
    assert f"{failed.screening_number} {site_a.code}" in text
    assert text.count("Signed") >= 1 and consented.screening_number in text
    assert f'href="{reverse("enrollment:participant-detail", args=[enrolled.pk])}"' in html
    assert f'href="{reverse("enrollment:screening-detail", args=[failed.pk])}"' in html

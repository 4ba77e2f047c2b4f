"""After a save you return to where you came from (issue 17): a form opened with `next` (from the home work list,
the status matrix or the casebook) carries it in a hidden field and goes back there after a successful save; an
address outside the site is ignored and the form's usual page follows."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import BloodCount
from blinatrial import access
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory, SiteFactory, UserFactory
from tests.factories.integrity import DataQueryFactory
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db
MATRIX = "/assessments/matrix/?site=1&state=incomplete"


@pytest.fixture
def participant():
    site = SiteFactory(code="51")
    screening = ScreeningFactory(site=site, status="enrolled", screened_on=datetime.date(2026, 11, 1))
    return ParticipantFactory(screening=screening)


@pytest.fixture
def client(participant):
    coordinator = UserFactory(username="coord_51", role=access.COORDINATOR, sites=[participant.site])
    return force_verified_login(Client(), coordinator)


def _count(day: str, **extra) -> dict:
    return {"sample_date": day, "anc_e9_per_l": "1.5", "platelets_e9_per_l": "150", "hb_g_per_l": "100",
            "wbc_e9_per_l": "4", "circulating_blasts": "ABSENT", **extra}


def test_the_matrix_link_opens_a_form_that_returns_to_the_matrix_after_the_save(client, participant):
    assert reverse("assessments:status-matrix") == "/assessments/matrix/"
    url = reverse("assessments:cbc-add", args=[participant.pk])

    form = client.get(url, {"next": MATRIX}).content.decode()
    saved = client.post(url, _count("2026-11-29", next=MATRIX))

    assert '<input type="hidden" name="next" value="/assessments/matrix/?site=1&amp;state=incomplete">' in form
    assert saved.status_code == 302
    assert saved["Location"] == MATRIX
    assert BloodCount.objects.get(participant=participant).sample_date == datetime.date(2026, 11, 29)


@pytest.mark.parametrize("outside", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_an_address_outside_the_site_is_ignored(client, participant, outside):
    url = reverse("assessments:cbc-add", args=[participant.pk])

    form = client.get(url, {"next": outside}).content.decode()
    saved = client.post(url, _count("2026-11-29", next=outside))

    record_form = form.split('id="language-choice"')[-1]  # after the menu's switcher (its `next` is this page)
    assert 'name="next"' not in record_form
    assert "evil.example" not in re.sub(r'name="next" value="/[^"]*"', "", form)
    assert saved.status_code == 302
    assert saved["Location"] == reverse("enrollment:participant-detail", args=[participant.pk])


def test_the_home_work_list_the_matrix_and_the_casebook_link_to_forms_with_next(client, participant):
    query = DataQueryFactory(record=participant)
    casebook = reverse("enrollment:participant-detail", args=[participant.pk])

    home = client.get("/").content.decode()
    matrix = client.get("/assessments/matrix/", {"site": participant.site_id}).content.decode()
    casebook_page = client.get(casebook).content.decode()

    assert f'href="/integrity/queries/{query.pk}/?next=%2F"' in home
    here = f"%2Fassessments%2Fmatrix%2F%3Fsite%3D{participant.site_id}"
    assert re.search(rf'class="matrix-link" href="/enrollment/screening/\d+/\?next={here}"', matrix)
    back = f"%2Fenrollment%2Fparticipants%2F{participant.pk}%2F"
    assert f'href="/assessments/participants/{participant.pk}/cbc/add/?next={back}"' in casebook_page

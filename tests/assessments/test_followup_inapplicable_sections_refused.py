"""Follow-up contact: a value in a section that does not apply (death fields for a living participant, relapse
fields without a relapse, a transplant date without the tick) is refused next to that field; nothing is saved.
Without JavaScript every section is in the page, marked with the field and value that make it apply."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import FollowUpContact

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
D = lambda n: (TODAY - datetime.timedelta(days=n)).isoformat()  # noqa: E731  (n days ago; consent 100 days ago)
ALIVE = {"contact_date": D(10), "method": "VISIT", "vital_status": "ALIVE", "disease_status": "CONTINUED_REMISSION"}

CASES = [
    ("death_date", D(12), "Only when the vital status is 'Dead'"),
    ("death_cause", "INFECTION", "Only when the vital status is 'Dead'"),
    ("death_cause_detail", "Pneumonia", "Only when the vital status is 'Dead'"),
    ("relapse_date", D(12), "Only when the disease status is 'Relapse'"),
    ("relapse_documented_by", "MARROW", "Only when the disease status is 'Relapse'"),
    ("transplant_date", D(20), "Only when 'Transplant since the last contact' is ticked"),
]


@pytest.mark.parametrize(("field", "value", "words"), CASES, ids=[c[0] for c in CASES])
def test_followup_refused_next_to_field_when_its_section_does_not_apply(
    coordinator_client, participant, field, value, words
):
    response = coordinator_client.post(
        reverse("assessments:followup-add", args=[participant.pk]), {**ALIVE, field: value}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    assert errors[field][0].startswith(words), errors[field]
    assert not FollowUpContact.objects.exists()


def test_followup_saved_when_alive_without_death_fields(coordinator_client, participant):
    response = coordinator_client.post(reverse("assessments:followup-add", args=[participant.pk]), ALIVE)
    assert response.status_code == 302
    assert FollowUpContact.objects.get().vital_status == "ALIVE"


def test_followup_saved_with_death_fields_when_dead(coordinator_client, participant):
    dead = {**ALIVE, "vital_status": "DEAD", "disease_status": "NOT_ASSESSED", "death_date": D(12),
            "death_cause": "OTHER", "death_cause_detail": "Pneumonia"}
    response = coordinator_client.post(reverse("assessments:followup-add", args=[participant.pk]), dead)
    assert response.status_code == 302
    saved = FollowUpContact.objects.get()
    assert (saved.death_date.isoformat(), saved.death_cause_detail) == (D(12), "Pneumonia")


def test_followup_form_marks_each_section_with_its_condition_and_hides_none_without_script(
    coordinator_client, participant
):
    html = coordinator_client.get(reverse("assessments:followup-add", args=[participant.pk])).content.decode()
    assert 'data-show-value="DEAD" data-show-when="vital_status"' in html
    assert 'data-show-value="RELAPSE" data-show-when="disease_status"' in html
    assert 'data-show-value="true" data-show-when="transplant_since_last_contact"' in html
    assert " hidden" not in html.split('data-testid="section-death"')[0].rsplit("<div", 1)[1]
    assert 'name="death_date"' in html.split('data-testid="section-death"')[1]
    assert "js/conditional_sections.js" in html

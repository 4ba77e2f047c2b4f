"""A data manager raises the enrollment target at run time; nobody else may."""

import pytest
from django.urls import reverse

from enrollment.models import StudySettings
from tests.factories.enrollment import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_data_manager_raises_the_target_when_posting_settings(data_manager_client):
    response = data_manager_client.post(
        reverse("enrollment:study-settings"), {"target_enrollment": 24, "reason": "Amendment 2"}
    )
    assert response.status_code == 302
    assert StudySettings.current().target_enrollment == 24


def test_target_refused_when_below_the_enrolled_count(data_manager_client, site_a):
    ParticipantFactory.create_batch(2, screening__site=site_a)
    response = data_manager_client.post(reverse("enrollment:study-settings"), {"target_enrollment": 1})
    assert response.status_code == 400
    assert "2 participants are already enrolled" in response.context["form"].errors["target_enrollment"][0]
    assert StudySettings.current().target_enrollment == 20


@pytest.mark.parametrize("fixture", ["coordinator_client", "investigator_client", "monitor_client"])
def test_settings_page_refused_when_not_a_data_manager(request, fixture):
    client = request.getfixturevalue(fixture)
    assert client.post(reverse("enrollment:study-settings"), {"target_enrollment": 30}).status_code == 403
    assert StudySettings.current().target_enrollment == 20

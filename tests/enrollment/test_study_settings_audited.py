"""Study settings are in the data manager's menu, and each edit is audited with a reason: old and new value,
who and why in the audit trail (in words); no reason, nothing changed; other roles are refused politely."""

import html

import pytest
from django.urls import reverse

from enrollment.models import StudySettings
from integrity.audit import event_model_for

pytestmark = pytest.mark.django_db

URL = reverse("enrollment:study-settings")


def _post(client, **changes):
    data = {"target_enrollment": "20", "registry_id": "", "sponsor": "", "reason": "", **changes}
    return client.post(URL, data)


def test_study_settings_are_in_the_data_managers_menu_only(data_manager_client, coordinator_client):
    assert f'href="{URL}"' in data_manager_client.get(reverse("home")).content.decode()
    assert f'href="{URL}"' not in coordinator_client.get(reverse("home")).content.decode()


def test_a_change_with_a_reason_is_saved_and_audited_with_old_new_reason_and_user(data_manager, data_manager_client):
    StudySettings.current()  # the row as the protocol's defaults made it: target 20
    response = _post(data_manager_client, target_enrollment="24", reason="Amendment 3: four more places")
    assert response.status_code == 302
    assert StudySettings.current().target_enrollment == 24
    event = event_model_for(StudySettings).objects.order_by("pgh_id").last()
    assert (event.pgh_label, event.target_enrollment) == ("update", 24)
    assert event.pgh_context.metadata["reason"] == "Amendment 3: four more places"
    assert event.pgh_context.metadata["user"] == data_manager.pk

    trail = html.unescape(data_manager_client.get(reverse("integrity:audit-list")).content.decode())
    row = next(r for r in trail.split("<tr") if "Amendment 3: four more places" in r)
    for shown in ("Study settings", "Enrollment target (participants)", ">20<", ">24<", data_manager.username):
        assert shown in row, shown


def test_a_change_without_a_reason_is_refused_next_to_the_field_and_changes_nothing(data_manager_client):
    StudySettings.current()
    before = event_model_for(StudySettings).objects.count()
    response = _post(data_manager_client, target_enrollment="30")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error_1_id_reason"' in page
    assert "Give the reason for this change: it is kept in the audit trail." in html.unescape(page)
    assert StudySettings.current().target_enrollment == 20
    assert event_model_for(StudySettings).objects.count() == before


def test_a_coordinator_is_refused_with_a_page_that_says_so(coordinator_client):
    response = _post(coordinator_client, target_enrollment="30", reason="try")
    assert response.status_code == 403
    assert "This page is not open to you" in response.content.decode()
    assert StudySettings.current().target_enrollment == 20

"""A locked record opens read-only for every role: a padlock banner naming who locked it, when, the scope and
the reason; every field disabled and no save button. A POST is still refused and changes nothing."""

import datetime

import pytest
from django.urls import reverse

from integrity import locking
from integrity.models import LockScope
from tests.factories.assessments import MarrowFactory
from tests.integrity.read_only_html import editable_controls, record_form_html

pytestmark = pytest.mark.django_db

ROLES = ["coordinator_client", "investigator_client", "data_manager_client", "monitor_client"]


@pytest.fixture
def locked_marrow(participant, data_manager):
    data_manager.first_name, data_manager.last_name = "Dana", "Lockwood"
    data_manager.save()
    marrow = MarrowFactory(participant=participant, timepoint="EOC1",
                           sample_date=datetime.date.today() - datetime.timedelta(days=20))
    locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant,
                 reason="Source verification complete")
    return marrow


@pytest.mark.parametrize("client_name", ROLES)
def test_locked_record_opens_read_only_with_padlock_for_every_role(request, client_name, locked_marrow, participant):
    client = request.getfixturevalue(client_name)
    the_lock = locking.blocking_lock(locked_marrow)

    response = client.get(reverse("assessments:marrow-edit", args=[locked_marrow.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="lock-banner"' in html and "&#128274;" in html  # the padlock
    assert "Dana Lockwood" in html
    when = the_lock.locked_at.astimezone(datetime.UTC)
    assert f"{when.day} {when:%b %Y %H:%M} UTC" in html  # the site (site_a) is in UTC
    assert f"Participant {participant}" in html
    assert "Source verification complete" in html
    assert editable_controls(html) == []
    assert 'name="save"' not in record_form_html(html)
    assert 'name="blasts_pct"' in record_form_html(html)  # the fields are shown, disabled
    assert "Remove this record" not in html


def test_locked_record_post_refused_and_nothing_changed(coordinator_client, locked_marrow):
    version = locked_marrow.row_version
    url = reverse("assessments:marrow-edit", args=[locked_marrow.pk])
    data = {"timepoint": "EOC1", "sample_date": locked_marrow.sample_date.isoformat(), "aspirate_adequacy": "ADEQUATE",
            "blasts_pct": "40", "cellularity": "NORMO", "row_version": version, "change_reason": "Other",
            "change_reason_detail": "x"}

    response = coordinator_client.post(url, data)

    assert response.status_code == 403
    assert "is locked" in str(response.context["form"].non_field_errors())
    locked_marrow.refresh_from_db()
    assert locked_marrow.row_version == version and locked_marrow.blasts_pct != 40


def test_unlocked_record_opens_editable_for_a_coordinator(coordinator_client, participant):
    marrow = MarrowFactory(participant=participant, timepoint="EOC1",
                           sample_date=datetime.date.today() - datetime.timedelta(days=20))
    html = coordinator_client.get(reverse("assessments:marrow-edit", args=[marrow.pk])).content.decode()
    assert 'data-testid="lock-banner"' not in html
    assert any('name="blasts_pct"' in c for c in editable_controls(html))
    assert 'name="save"' in record_form_html(html)

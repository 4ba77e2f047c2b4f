"""Monitors open every saved record read-only instead of a 403: the form disabled, each field's history
(old -> new, who, when, why), a "Raise query" link on each field and the verify buttons; a POST is refused;
another site's record is a 404."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from assessments.models import BoneMarrowAssessment
from blinatrial import access
from tests.factories.enrollment import UserFactory
from tests.factories.integrity import form_data
from tests.integrity.read_only_html import editable_controls, record_form_html
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def edited_marrow(coordinator_client, participant):
    """Entered, then corrected, by the coordinator through the real forms (so the trail has who and why)."""
    add = reverse("assessments:marrow-add", args=[participant.pk])
    data = {"timepoint": "UNSCHEDULED", "sample_date": (TODAY - datetime.timedelta(days=9)).isoformat(),
            "aspirate_adequacy": "ADEQUATE", "blasts_pct": "2", "cellularity": "NORMO"}
    assert coordinator_client.post(add, data).status_code == 302
    marrow = BoneMarrowAssessment.objects.get()
    edit = reverse("assessments:marrow-edit", args=[marrow.pk])
    correction = {**data, "blasts_pct": "3,5", "row_version": marrow.row_version,
                  "change_reason": "Source document corrected"}
    assert coordinator_client.post(edit, correction).status_code == 302
    marrow.refresh_from_db()
    return marrow


def test_monitor_sees_the_record_read_only_with_history_and_query_links(monitor_client, edited_marrow, coordinator):
    response = monitor_client.get(reverse("assessments:marrow-edit", args=[edited_marrow.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert editable_controls(html) == []
    assert 'name="save"' not in record_form_html(html)
    assert 'data-testid="review-banner"' in html

    history = re.findall(r'data-testid="history-blasts_pct">(.*?)</div>', html, re.S)
    assert len(history) == 2  # entered, then corrected
    newest = history[0]
    assert "2.0 → 3.5" in newest.replace("2.00", "2.0").replace("3.50", "3.5")
    assert coordinator.username in newest and "Source document corrected" in newest
    assert f"{TODAY.day} {TODAY:%b %Y}" in newest
    assert "Initial entry" in history[1]

    ct = ContentType.objects.get_for_model(BoneMarrowAssessment)
    raise_url = reverse("integrity:query-raise", args=[ct.pk, edited_marrow.pk])
    for name in ("timepoint", "sample_date", "aspirate_adequacy", "blasts_pct", "cellularity", "sample_id"):
        assert f'href="{raise_url}?field={name}" data-testid="raise-query-{name}"' in html, name
    assert 'data-testid="verify-form"' in html
    assert 'data-testid="verify-field-blasts_pct"' in html
    assert 'data-testid="verify-field-cellularity"' not in html  # not critical to quality


def test_monitor_post_to_the_record_refused_and_nothing_changed(monitor_client, edited_marrow):
    url = reverse("assessments:marrow-edit", args=[edited_marrow.pk])
    data = {**form_data(edited_marrow), "blasts_pct": "50", "row_version": edited_marrow.row_version,
            "change_reason": "Transcription error"}

    response = monitor_client.post(url, data)

    assert response.status_code == 403
    assert "Monitors review the data" in str(response.context["form"].non_field_errors())
    before = edited_marrow.row_version
    edited_marrow.refresh_from_db()
    assert (edited_marrow.row_version, float(edited_marrow.blasts_pct)) == (before, 3.5)


def test_another_sites_monitor_gets_404(site_b, edited_marrow):
    other = force_verified_login(Client(), UserFactory(username="mon_b", role=access.MONITOR, sites=[site_b]))
    assert other.get(reverse("assessments:marrow-edit", args=[edited_marrow.pk])).status_code == 404


def test_the_coordinator_still_edits_without_the_review_panel(coordinator_client, edited_marrow):
    html = coordinator_client.get(reverse("assessments:marrow-edit", args=[edited_marrow.pk])).content.decode()
    assert 'data-testid="record-review"' not in html
    assert any('name="blasts_pct"' in c for c in editable_controls(html))

"""Audit views: participant timeline, record and field history, filters, CSV (formula-escaped), site scope."""

import csv
import io

import pghistory
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from enrollment.models import Participant
from tests.factories.assessments import MarrowFactory


@pytest.fixture
def history(participant, coordinator, data_manager):
    """The participant's weight corrected twice (by two users), and a marrow entered."""
    with pghistory.context(user=coordinator.pk, reason="Initial entry"):
        marrow = MarrowFactory(participant=participant, timepoint="EOC1")
    with pghistory.context(user=coordinator.pk, reason="Transcription error"):
        Participant.objects.filter(pk=participant.pk).update(weight_kg="72.0")
    with pghistory.context(user=data_manager.pk, reason="=HYPERLINK(\"x\")"):
        Participant.objects.filter(pk=participant.pk).update(weight_kg="73.0")
    return marrow


def _rows(response):
    return [(c.field, c.old, c.new, c.username, c.reason) for c in response.context["rows"] if c.action == "update"]


def test_the_participant_timeline_shows_every_change_of_every_record_when_opened(
    history, participant, participant_b, monitor_client
):
    response = monitor_client.get(reverse("integrity:participant-audit", args=[participant.pk]))

    assert response.status_code == 200
    assert _rows(response) == [
        ("weight_kg", "72.0", "73.0", "dm", '=HYPERLINK("x")'),
        ("weight_kg", "70.0", "72.0", "coord_a", "Transcription error"),
    ]
    forms = {c.model_key for c in response.context["rows"]}
    assert {"enrollment.participant", "assessments.bonemarrowassessment"} <= forms
    assert {c.participant_id for c in response.context["rows"]} == {participant.participant_id}


def test_filters_narrow_by_user_form_field_and_date_when_given(history, participant, coordinator, monitor_client):
    url = reverse("integrity:participant-audit", args=[participant.pk])

    by_user = monitor_client.get(url, {"user": coordinator.pk, "model": "enrollment.participant"})
    by_field = monitor_client.get(url, {"field": "blasts_pct"})
    future = monitor_client.get(url, {"since": "2999-01-01"})

    assert _rows(by_user) == [("weight_kg", "70.0", "72.0", "coord_a", "Transcription error")]
    assert {c.field for c in by_field.context["rows"]} == {"blasts_pct"}
    assert list(future.context["rows"]) == []


def test_the_csv_export_escapes_formulas_when_downloaded(history, participant, monitor_client):
    url = reverse("integrity:participant-audit", args=[participant.pk])

    response = monitor_client.get(url, {"format": "csv", "field": "weight_kg"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    updates = [r for r in rows if r["action"] == "update"]
    assert [(r["old_value"], r["new_value"], r["user"], r["reason"]) for r in updates] == [
        ("72.0", "73.0", "dm", "'=HYPERLINK(\"x\")"),
        ("70.0", "72.0", "coord_a", "Transcription error"),
    ]
    assert all(r["changed_at_utc"].endswith("Z") for r in rows)


def test_field_history_lists_only_that_field_when_opened_from_the_form(history, participant, investigator_client):
    ct = ContentType.objects.get_for_model(Participant)

    response = investigator_client.get(
        reverse("integrity:field-history", args=[ct.pk, participant.pk, "weight_kg"]), {"partial": 1}
    )

    assert response.status_code == 200
    assert {c.field for c in response.context["rows"]} == {"weight_kg"}
    assert len(response.context["rows"]) == 3  # entry, two corrections


def test_another_sites_records_are_not_found_when_a_monitor_asks(history, participant, site_b, client):
    from blinatrial.access import MONITOR
    from tests.factories.enrollment import UserFactory

    client.force_login(UserFactory(username="mon_b", role=MONITOR, sites=[site_b]))
    ct = ContentType.objects.get_for_model(Participant)

    assert client.get(reverse("integrity:participant-audit", args=[participant.pk])).status_code == 404
    assert client.get(reverse("integrity:record-audit", args=[ct.pk, participant.pk])).status_code == 404
    study = client.get(reverse("integrity:audit-list"))
    assert study.status_code == 200 and list(study.context["rows"]) == []


@pytest.mark.parametrize("url_name", ["integrity:audit-list"])
def test_coordinators_cannot_open_the_study_audit_trail_when_they_try(url_name, coordinator_client):
    assert coordinator_client.get(reverse(url_name)).status_code == 403


def test_the_record_form_shows_field_history_links_when_an_investigator_edits(
    history, participant, investigator_client
):
    page = investigator_client.get(reverse("enrollment:screening-edit", args=[participant.screening.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="record-audit-link"' in html and 'id="record-integrity-data"' in html
    assert "js/record_form.js" in html


def test_the_study_audit_list_pages_with_a_bounded_number_of_queries_when_data_grow(
    monitor_client, site_a, django_assert_max_num_queries
):
    from integrity.audit import audited_models
    from tests.factories.enrollment import ParticipantFactory

    budget = len(audited_models()) + 12
    ParticipantFactory(screening__site=site_a)
    with django_assert_max_num_queries(budget):
        monitor_client.get(reverse("integrity:audit-list"))
    for _ in range(10):
        ParticipantFactory(screening__site=site_a)
    with django_assert_max_num_queries(budget):
        monitor_client.get(reverse("integrity:audit-list"))

"""Data queries: who raises, answers and closes; the thread; site scoping; the deep link to the field."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from integrity import queries
from integrity.models import DataQuery, QueryStatus
from tests.factories.enrollment import UserFactory


def _raise_url(record):
    return reverse("integrity:query-raise", args=[ContentType.objects.get_for_model(record).pk, record.pk])


def _action(client, query, action, text="ok"):
    return client.post(reverse("integrity:query-action", args=[query.pk, action]), {"text": text})


@pytest.fixture
def raised(participant, monitor):
    return queries.raise_query(user=monitor, record=participant, field_name="weight_kg", text="Weight vs source?")


def test_a_monitor_raises_a_query_on_a_field_when_posting_the_form(participant, monitor, monitor_client):
    response = monitor_client.post(_raise_url(participant), {"field_name": "weight_kg", "text": "Weight vs source?"})

    assert response.status_code == 302
    query = DataQuery.objects.get()
    assert (query.participant, query.site, query.field_name, query.raised_by, query.status) == (
        participant, participant.site, "weight_kg", monitor, QueryStatus.OPEN
    )
    assert [m.kind for m in query.messages.all()] == ["raise"]


@pytest.mark.parametrize("who", ["coordinator_client", "investigator_client"])
def test_raising_is_refused_when_the_user_is_not_a_monitor_or_data_manager(who, request, participant):
    client = request.getfixturevalue(who)

    response = client.post(_raise_url(participant), {"field_name": "weight_kg", "text": "?"})

    assert response.status_code == 403
    assert not DataQuery.objects.exists()


def test_the_coordinator_answers_but_cannot_close_when_the_query_is_open(raised, coordinator_client):
    answered = _action(coordinator_client, raised, "answer", "Corrected from the source")
    close = _action(coordinator_client, raised, "close")

    assert answered.status_code == 302
    assert close.status_code == 403
    raised.refresh_from_db()
    assert raised.status == QueryStatus.ANSWERED
    assert [m.kind for m in raised.messages.all()] == ["raise", "answer"]


def test_only_the_raiser_or_a_data_manager_closes_when_another_monitor_tries(raised, site_a, data_manager_client):
    from django.test import Client

    from blinatrial.access import MONITOR

    other = Client()
    other.force_login(UserFactory(username="mon_other", role=MONITOR, sites=[site_a]))
    assert _action(other, raised, "close").status_code == 403

    assert _action(data_manager_client, raised, "close").status_code == 302
    raised.refresh_from_db()
    assert raised.status == QueryStatus.CLOSED and raised.closed_by.username == "dm"


def test_the_raiser_closes_the_query_when_satisfied(raised, monitor, monitor_client):
    assert _action(monitor_client, raised, "close", "Verified").status_code == 302

    raised.refresh_from_db()
    assert (raised.status, raised.closed_by) == (QueryStatus.CLOSED, monitor)


def test_a_monitor_cannot_edit_data_when_answering_through_the_clinical_form(participant, monitor_client):
    screening = participant.screening
    url = reverse("enrollment:screening-edit", args=[screening.pk])
    data = {"initials": "ZZ", "row_version": screening.row_version, "change_reason": "Answer to a data query"}

    response = monitor_client.post(url, data)

    assert response.status_code == 403
    screening.refresh_from_db()
    assert screening.initials == "AB"


def test_queries_of_another_site_are_not_found_when_listed_or_opened(raised, coordinator_b_client):
    listing = coordinator_b_client.get(reverse("integrity:query-list"))
    detail = coordinator_b_client.get(reverse("integrity:query-detail", args=[raised.pk]))

    assert list(listing.context["queries"]) == []
    assert detail.status_code == 404


def test_a_screening_query_links_to_the_screening_form_field_when_opened(participant, monitor, coordinator_client):
    query = queries.raise_query(user=monitor, record=participant.screening, field_name="initials", text="?")

    page = coordinator_client.get(reverse("integrity:query-detail", args=[query.pk]))

    edit = reverse("enrollment:screening-edit", args=[participant.screening.pk])
    assert page.context["field_link"] == f"{edit}?field=initials#id_initials"


def test_the_query_links_to_the_field_on_the_form_when_opened(raised, coordinator_client, monkeypatch):
    monkeypatch.setattr(queries, "form_url", lambda record: f"/forms/participant/{record.pk}/")

    page = coordinator_client.get(reverse("integrity:query-detail", args=[raised.pk]))

    assert page.context["field_link"] == f"/forms/participant/{raised.object_id}/?field=weight_kg#id_weight_kg"


def test_open_counts_returns_live_queries_per_participant_in_one_query_when_asked(
    participant, participant_b, monitor, data_manager, django_assert_num_queries
):
    queries.raise_query(user=monitor, record=participant, field_name="weight_kg", text="a")
    q2 = queries.raise_query(user=monitor, record=participant, field_name="height_cm", text="b")
    queries.raise_query(user=data_manager, record=participant_b, field_name="height_cm", text="c")
    closed = queries.raise_query(user=monitor, record=participant, field_name="enrolled_on", text="d")
    queries.close(user=monitor, query=closed)
    queries.answer(user=data_manager, query=q2, text="done")

    with django_assert_num_queries(1):
        counts = queries.open_counts([participant.pk, participant_b.pk])

    assert counts == {participant.pk: 2, participant_b.pk: 1}

"""The safety edit checks raise a data query after a save through the views and close it when the data are fixed:
investigator CRS/ICANS grade vs the ASTCT grade computed from the sheets; a grade 5 AE without a death on the
same date and a death without a grade 5 AE; a serious AE without a criterion (written by another path)."""

import pytest
from django.urls import reverse

from integrity import edit_checks
from integrity.models import DataQuery, QueryStatus
from safety.models import AdverseEvent
from tests.dates import read
from tests.factories.safety import AdverseEventFactory, CrsAdverseEventFactory
from tests.safety.conftest import ae_data, crs_data, days_ago

pytestmark = pytest.mark.django_db


def open_queries(code: str) -> list[DataQuery]:
    return list(DataQuery.objects.filter(check_code=code).exclude(status=QueryStatus.CLOSED))


def post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response


def test_an_investigator_crs_grade_that_differs_from_the_computed_grade_raises_a_query_until_corrected(
    participant, terms, coordinator_client
):
    post(
        coordinator_client,
        reverse("safety:ae-add", args=[participant.pk]),
        ae_data(terms["crs"], days_ago(40), worst_grade="1"),
    )
    ae = AdverseEvent.objects.get()
    assert open_queries("AE_ASTCT_DIFF") == []

    # fever, hypotension needing one vasopressor: ASTCT grade 3
    post(
        coordinator_client,
        reverse("safety:crs-add", args=[ae.pk]),
        crs_data(days_ago(40), max_temp_c="39.5", hypotension="on", vasopressors_excl_vasopressin="1"),
    )

    (query,) = open_queries("AE_ASTCT_DIFF")
    assert (query.object_id, query.field_name) == (ae.pk, "worst_grade")
    assert "(1)" in query.text and "(3)" in query.text
    page = coordinator_client.get(reverse("safety:ae-detail", args=[ae.pk])).content.decode()
    assert 'data-testid="grade-disagrees"' in page

    post(
        coordinator_client,
        reverse("safety:ae-edit", args=[ae.pk]),
        ae_data(
            terms["crs"],
            days_ago(40),
            worst_grade="3",
            row_version=str(ae.row_version),
            change_reason="Answer to a data query",
        ),
    )
    assert open_queries("AE_ASTCT_DIFF") == []


def test_a_grade_5_event_needs_a_death_on_the_same_date_and_a_death_needs_a_grade_5_event(
    participant, terms, coordinator_client
):
    fatal = ae_data(
        terms["sepsis"],
        days_ago(30),
        worst_grade="5",
        outcome="FATAL",
        resolution_date=days_ago(28).isoformat(),
        serious="on",
        sae_death="on",
    )
    post(coordinator_client, reverse("safety:ae-add", args=[participant.pk]), fatal)
    (query,) = open_queries("AE_G5_NO_DEATH")
    assert query.field_name == "resolution_date" and read(days_ago(28)) in query.text

    contact = {
        "contact_date": days_ago(27).isoformat(),
        "method": "RECORDS",
        "vital_status": "DEAD",
        "disease_status": "NOT_ASSESSED",
        "death_date": days_ago(29).isoformat(),
        "death_cause": "INFECTION",
    }
    post(coordinator_client, reverse("assessments:followup-add", args=[participant.pk]), contact)
    assert len(open_queries("AE_G5_NO_DEATH")) == 1  # the death is dated a day earlier than the AE's end
    (death_query,) = open_queries("DEATH_NO_G5")
    assert death_query.field_name == "death_date"

    ae = AdverseEvent.objects.get()
    post(
        coordinator_client,
        reverse("safety:ae-edit", args=[ae.pk]),
        {
            **fatal,
            "resolution_date": days_ago(29).isoformat(),
            "row_version": str(ae.row_version),
            "change_reason": "Answer to a data query",
        },
    )
    assert open_queries("AE_G5_NO_DEATH") == [] and open_queries("DEATH_NO_G5") == []


def test_a_death_from_the_leukaemia_itself_needs_no_grade_5_event(participant, coordinator_client):
    post(
        coordinator_client,
        reverse("assessments:followup-add", args=[participant.pk]),
        {
            "contact_date": days_ago(5).isoformat(),
            "method": "RECORDS",
            "vital_status": "DEAD",
            "disease_status": "NOT_ASSESSED",
            "death_date": days_ago(6).isoformat(),
            "death_cause": "DISEASE",
        },
    )
    assert open_queries("DEATH_NO_G5") == []


def test_a_serious_event_without_a_criterion_written_by_another_path_raises_a_query(participant):
    ae = AdverseEventFactory(participant=participant, serious=True)  # not through the form, which refuses it
    CrsAdverseEventFactory(participant=participant)

    raised, _ = edit_checks.run_for_participant(participant)

    assert raised >= 1
    (query,) = open_queries("SAE_NO_CRITERION")
    assert (query.object_id, query.field_name) == (ae.pk, "serious")

"""A change that makes an enrolled participant ineligible (CNS3 entered later) is allowed with a reason, raises an
automatic query and shows as a protocol deviation on the casebook (issue 14)."""

import pytest
from django.urls import reverse

from integrity.models import DataQuery, QueryStatus
from tests.enrollment.conftest import edit_data
from tests.factories.enrollment import ParticipantFactory

pytestmark = pytest.mark.django_db

CNS3_FAILED = "CNS3 disease: present (exclusion) (CNS3)"


@pytest.fixture
def participant(site_a):
    return ParticipantFactory(screening__site=site_a)


def _edit_screening(client, screening, **changes):
    url = reverse("enrollment:screening-edit", args=[screening.pk])
    return client.post(url, edit_data(screening, **changes))


def _open(code):
    return list(DataQuery.objects.filter(check_code=code).exclude(status=QueryStatus.CLOSED))


def test_cns3_entered_after_enrollment_is_saved_with_its_reason_and_raises_a_query(coordinator_client, participant):
    screening = participant.screening

    response = _edit_screening(coordinator_client, screening, cns_status="CNS3", criterion_EXC_CNS3="met")

    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.cns_status == "CNS3" and screening.row_version == 2
    [query] = _open("ELIGIBILITY_LOST")
    assert (query.participant, query.object_id, query.field_name) == (participant, screening.pk, "criteria")
    assert CNS3_FAILED in query.text and "protocol deviation" in query.text


def test_the_casebook_shows_the_protocol_deviation_when_the_data_fail_eligibility(coordinator_client, participant):
    _edit_screening(coordinator_client, participant.screening, cns_status="CNS3", criterion_EXC_CNS3="met")

    page = coordinator_client.get(reverse("enrollment:participant-detail", args=[participant.pk])).content.decode()

    assert 'data-testid="protocol-deviations"' in page
    assert CNS3_FAILED in page


def test_the_query_closes_and_the_deviation_goes_when_the_data_are_corrected(coordinator_client, participant):
    screening = participant.screening
    _edit_screening(coordinator_client, screening, cns_status="CNS3", criterion_EXC_CNS3="met")
    screening.refresh_from_db()

    _edit_screening(coordinator_client, screening, cns_status="CNS1", criterion_EXC_CNS3="not_met")

    assert _open("ELIGIBILITY_LOST") == []
    page = coordinator_client.get(reverse("enrollment:participant-detail", args=[participant.pk])).content.decode()
    assert 'data-testid="protocol-deviations"' not in page


def test_the_change_is_refused_without_a_reason(coordinator_client, participant):
    screening = participant.screening
    response = _edit_screening(coordinator_client, screening, cns_status="CNS3", change_reason="")
    assert response.status_code == 400
    screening.refresh_from_db()
    assert screening.cns_status == "CNS1"
    assert _open("ELIGIBILITY_LOST") == []

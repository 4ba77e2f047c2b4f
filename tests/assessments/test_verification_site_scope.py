"""Source data verification stays within the user's sites: a monitor or coordinator limited to a site never sees
another site's records in "Records not yet verified" or in the status matrix, and another site's marks verify
nothing of theirs."""

import pytest

from blinatrial import access
from tests.assessments.sdv_pages import matrix_cell, matrix_rows, not_verified, verify
from tests.factories.assessments import BloodCountFactory, FlowMrdFactory, MarrowFactory, ResponseCallFactory
from tests.factories.enrollment import UserFactory
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db


def _eoc1(participant) -> list:
    marrow = MarrowFactory(participant=participant)
    return [marrow, FlowMrdFactory(marrow=marrow), ResponseCallFactory(marrow=marrow)]


@pytest.fixture
def monitor_b_client(client, site_b):
    return force_verified_login(client, UserFactory(username="mon_b", role=access.MONITOR, sites=[site_b]))


def test_monitor_of_site_a_lists_only_site_a_records(monitor_client, participant, participant_b):
    _eoc1(participant)
    _eoc1(participant_b)
    BloodCountFactory(participant=participant_b)

    a, b = participant.participant_id, participant_b.participant_id
    assert sorted(not_verified(monitor_client)) == sorted([
        f"{a} · Screening record", f"{a} · End of cycle 1 · Bone marrow", f"{a} · End of cycle 1 · Flow MRD",
        f"{a} · End of cycle 1 · Response call",
    ])
    assert matrix_rows(monitor_client) == [a]
    assert b not in str(not_verified(monitor_client))


def test_another_sites_marks_neither_leak_nor_verify(
    monitor_client, monitor_b_client, coordinator_client, coordinator_b_client, participant, participant_b
):
    _eoc1(participant)
    for record in _eoc1(participant_b):
        verify(monitor_b_client, record)

    a, b = participant.participant_id, participant_b.participant_id
    assert matrix_cell(coordinator_b_client, participant_b) == ("matrix-verified", ["verified"])
    assert matrix_rows(coordinator_b_client) == [b]
    assert sorted(not_verified(monitor_b_client)) == [f"{b} · Screening record"]

    assert matrix_cell(coordinator_client, participant) == ("matrix-complete", ["complete"])
    assert matrix_rows(coordinator_client) == [a] == matrix_rows(coordinator_client, state="complete")
    assert matrix_rows(monitor_client, state="verified") == []
    assert len([label for label in not_verified(monitor_client) if "End of cycle 1" in label]) == 3

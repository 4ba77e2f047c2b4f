"""The participant × timepoint status matrix page: site scope, the states shown, the filters."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from integrity.models import LockScope, Signature
from tests.factories.assessments import FlowMrdFactory, MarrowFactory, ResponseCallFactory
from tests.factories.cycles import CycleFactory
from tests.factories.integrity import DataQueryFactory, LockFactory

pytestmark = pytest.mark.django_db
URL = reverse("assessments:status-matrix")


def _cells(html: str, participant_id: str) -> dict[str, str]:
    """column -> the words of its cell, for the participant's row."""
    row = html.split(f'data-participant="{participant_id}"', 1)[1].split("</tr>", 1)[0]
    cells = {}
    for chunk in row.split('data-column="')[1:]:
        column, rest = chunk.split('"', 1)
        text = rest.split("</td>", 1)[0]
        words = [w.split("</span>", 1)[0] for w in text.split('">')[1:] if "</span>" in w]
        cells[column] = ", ".join(words)
    return cells


@pytest.fixture
def charted(participant, coordinator):
    """Cycle 1 started; a complete EOC1 (marrow, flow MRD, call) with an open query; EOC2 locked."""
    CycleFactory(participant=participant)
    marrow = MarrowFactory(participant=participant)
    FlowMrdFactory(marrow=marrow)
    ResponseCallFactory(marrow=marrow)
    DataQueryFactory(record=marrow, participant=participant, site=participant.site, field_name="blasts_pct")
    LockFactory(scope=LockScope.TIMEPOINT, participant=participant, timepoint="EOC2", reason="EOC2 clean")
    return participant


def test_matrix_shows_the_states_of_each_timepoint(coordinator_client, charted):
    response = coordinator_client.get(URL)
    assert response.status_code == 200
    cells = _cells(response.content.decode(), charted.participant_id)
    assert cells == {
        "SCREENING": "complete",
        "C1": "incomplete",
        "EOC1": "complete, open query",
        "C2": "not started",
        "EOC2": "not started, locked",
        "FOLLOW_UP": "not started",
    }
    assert reverse("assessments:eoc-detail", args=[charted.pk, "EOC1"]) in response.content.decode()


def test_matrix_shows_signed_and_participant_lock(coordinator_client, investigator, charted):
    Signature.objects.create(participant=charted, timepoint="EOC1", signer=investigator, printed_name="Dr I",
                             meaning="approved", signed_at=timezone.now(), content_hash="0" * 64)
    LockFactory(scope=LockScope.PARTICIPANT, participant=charted, reason="casebook clean")
    cells = _cells(coordinator_client.get(URL).content.decode(), charted.participant_id)
    assert cells["EOC1"] == "complete, open query, signed, locked"
    assert cells["FOLLOW_UP"] == "not started, locked"


def test_coordinator_sees_only_their_own_site(coordinator_client, participant, participant_b):
    html = coordinator_client.get(URL).content.decode()
    assert f'data-participant="{participant.participant_id}"' in html
    assert f'data-participant="{participant_b.participant_id}"' not in html
    assert 'name="site"' not in html  # one site: nothing to choose


def test_state_filter_keeps_the_rows_with_a_cell_in_that_state(coordinator_client, charted, site_a):
    from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

    other = ParticipantFactory(screening=ScreeningFactory(
        site=site_a, status="enrolled", screened_on=datetime.date.today() - datetime.timedelta(days=90)))
    html = coordinator_client.get(URL, {"state": "open_query"}).content.decode()
    assert f'data-participant="{charted.participant_id}"' in html
    assert f'data-participant="{other.participant_id}"' not in html


def test_site_filter_for_a_user_of_several_sites(data_manager_client, participant, participant_b):
    html = data_manager_client.get(URL, {"site": participant_b.site_id}).content.decode()
    assert f'data-participant="{participant_b.participant_id}"' in html
    assert f'data-participant="{participant.participant_id}"' not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"state": "approved"}, "State: This is not one of the values offered."),
        ({"site": "abc"}, "Site: This is not one of the values offered."),
        ({"page": "0"}, "Page: Ensure this value is greater than or equal to 1."),
    ],
)
def test_bad_filter_answers_400_with_a_message(coordinator_client, participant, query, message):
    response = coordinator_client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_coordinator_cannot_filter_on_another_site(coordinator_client, participant, participant_b):
    response = coordinator_client.get(URL, {"site": participant_b.site_id})
    assert response.status_code == 400


def test_menu_links_the_matrix(coordinator_client, participant):
    assert URL in coordinator_client.get(reverse("enrollment:participant-list")).content.decode()


@pytest.mark.parametrize("fixture", ["coordinator", "investigator", "data_manager", "monitor"])
def test_every_trial_role_has_the_matrix_in_its_menu(request, fixture):
    from blinatrial.access import menu_for

    assert ("Status matrix", "assessments:status-matrix") in menu_for(request.getfixturevalue(fixture))


def test_monitor_reads_the_matrix(monitor_client, charted):
    assert monitor_client.get(URL).status_code == 200

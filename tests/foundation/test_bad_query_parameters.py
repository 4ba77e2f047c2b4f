"""A bad query parameter is a 400 page that says what was wrong, never a server error."""

import datetime

import pytest
from django.urls import reverse

from tests.factories.endpoints import store_synthetic_snapshot, synthetic_cohort
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

NUL = "\x00"
CUTOFF = datetime.date(2026, 6, 30)


def assert_bad_request(response, words: str) -> None:
    assert response.status_code == 400, response.status_code
    text = response.content.decode()
    assert 'data-testid="bad-query"' in text
    assert words in text


@pytest.mark.django_db
def test_a_participant_filter_of_letters_on_the_query_list_is_a_400_with_a_message(coordinator_client, site_a):
    response = coordinator_client.get(reverse("integrity:query-list"), {"participant": "x"})
    assert_bad_request(response, "Participant: Enter a whole number.")


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["enrollment:participant-list", "enrollment:screening-list"])
@pytest.mark.parametrize("param", ["q", "status"])
def test_a_nul_byte_in_a_list_filter_is_a_400_with_a_message(coordinator_client, site_a, url_name, param):
    ParticipantFactory(screening__site=site_a)
    ScreeningFactory(site=site_a)
    response = coordinator_client.get(reverse(url_name), {param: f"01{NUL}"})
    assert_bad_request(response, f"“{param}”: Null characters are not allowed.")


@pytest.mark.django_db
def test_a_nul_byte_in_the_drill_down_group_is_a_400_with_a_message(data_manager_client):
    store_synthetic_snapshot(synthetic_cohort(4, CUTOFF), CUTOFF, draw_plots=False)
    url = reverse("endpoints:group", args=[CUTOFF.isoformat(), "ALL"])
    response = data_manager_client.get(url, {"g": f"all{NUL}"})
    assert_bad_request(response, "“g”: Null characters are not allowed.")


@pytest.mark.django_db
def test_a_nul_byte_in_the_signed_content_timepoint_is_a_400_with_a_message(investigator_client, site_a):
    participant = ParticipantFactory(screening__site=site_a)
    url = reverse("integrity:signature-print", args=[participant.pk])
    response = investigator_client.get(url, {"timepoint": f"EOC1{NUL}"})
    assert_bad_request(response, "“timepoint”: Null characters are not allowed.")


@pytest.mark.django_db
def test_an_unknown_sort_or_a_page_of_letters_is_a_400_and_good_values_still_work(coordinator_client, site_a):
    url = reverse("enrollment:participant-list")
    assert_bad_request(coordinator_client.get(url, {"sort": "<script>"}), "Sort: This is not one of the values")
    assert_bad_request(coordinator_client.get(url, {"page": "2,5"}), "Page: Enter a whole page number.")
    good = coordinator_client.get(url, {"sort": "-status", "page": "99999999", "q": "01-0", "status": "enrolled"})
    assert good.status_code == 200


@pytest.mark.django_db
def test_the_message_is_escaped_and_the_page_carries_the_menu(coordinator_client, site_a):
    response = coordinator_client.get(reverse("integrity:query-list"), {"status": "<b>x</b>"})
    assert_bad_request(response, "Status: This is not one of the values offered.")
    assert "<b>x</b>" not in response.content.decode()
    assert "Screening log" in response.content.decode()


@pytest.mark.django_db
def test_a_timepoint_that_is_not_a_code_is_a_400_with_a_message(investigator_client, site_a):
    participant = ParticipantFactory(screening__site=site_a)
    url = reverse("integrity:signature-print", args=[participant.pk])
    response = investigator_client.get(url, {"timepoint": "EOC1<script>"})
    assert_bad_request(response, "Timepoint: Use letters, digits")


@pytest.mark.django_db
def test_a_nul_byte_in_an_admin_search_is_a_400_too(admin_client):
    response = admin_client.get(reverse("admin:enrollment_site_changelist"), {"q": NUL})
    assert_bad_request(response, "“q”: Null characters are not allowed.")

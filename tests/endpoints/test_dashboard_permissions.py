"""Who sees which results: coordinators 403; site-limited users see their sites' own numbers only."""

from django.urls import reverse

from tests.endpoints.conftest import page_text
from tests.factories.endpoints import HAND_CUTOFF
from tests.login import force_verified_login

URL = reverse("endpoints:dashboard") + f"?cutoff={HAND_CUTOFF.isoformat()}"


def test_dashboard_forbidden_when_coordinator(coordinator_client, hand_snapshot):
    assert coordinator_client.get(URL).status_code == 403


def test_dashboard_shows_only_own_site_numbers_when_monitor(monitor_client, hand_snapshot):
    response = monitor_client.get(URL)
    text = page_text(response)
    # site 01 alone: 2 of 3, Clopper-Pearson (2, 3) = 0.0943-0.9916
    assert "EOC1 2/3 = 66.7 % (95 % CI 9.4–99.2)" in text
    assert "2/4" not in text and "HEMODILUTED" not in text  # the site-02 participant is nowhere
    assert b'data-scope="01"' in response.content and b'data-scope="ALL"' not in response.content


def test_site_02_results_asked_for_by_monitor_of_site_01_fall_back_to_own_site(monitor_client, hand_snapshot):
    response = monitor_client.get(URL + "&site=02")
    assert b'data-scope="01"' in response.content and b'data-scope="02"' not in response.content


def test_pooled_results_shown_when_user_sees_every_site(data_manager_client, hand_snapshot):
    response = data_manager_client.get(URL)
    assert b'data-scope="ALL"' in response.content
    assert "EOC1 2/4 = 50.0 %" in page_text(response)


def test_drill_down_lists_404_when_scope_not_visible(monitor_client, hand_snapshot):
    for scope in ("ALL", "02"):
        url = reverse("endpoints:group", args=[HAND_CUTOFF.isoformat(), scope]) + "?g=treated"
        assert monitor_client.get(url).status_code == 404


def test_drill_down_list_shows_own_site_participants_when_monitor(monitor_client, hand_snapshot, hand_participants):
    url = reverse("endpoints:group", args=[HAND_CUTOFF.isoformat(), "01"]) + "?g=treated"
    text = page_text(monitor_client.get(url))
    a, b, c, d = (p.participant_id for p in hand_participants)
    assert all(pid in text for pid in (a, b, c)) and d not in text


def test_plots_404_when_scope_not_visible(monitor_client, hand_snapshot):
    cutoff = HAND_CUTOFF.isoformat()
    assert monitor_client.get(reverse("endpoints:plot", args=[cutoff, "01", "os"])).status_code == 200
    for scope in ("ALL", "02"):
        assert monitor_client.get(reverse("endpoints:plot", args=[cutoff, scope, "os"])).status_code == 404


def test_plots_forbidden_when_coordinator(coordinator_client, hand_snapshot):
    url = reverse("endpoints:plot", args=[HAND_CUTOFF.isoformat(), "01", "os"])
    assert coordinator_client.get(url).status_code == 403


def test_pooled_results_and_each_site_shown_when_investigator_is_assigned_to_every_site(
    client, site_a, site_b, hand_snapshot
):
    from blinatrial import access
    from tests.factories.enrollment import UserFactory

    force_verified_login(client, UserFactory(username="inv_both", role=access.INVESTIGATOR, sites=[site_a, site_b]))
    response = client.get(URL)
    assert b'data-scope="ALL"' in response.content  # the pooled block comes first
    assert "EOC1 2/4 = 50.0 %" in page_text(response)
    tabs = response.content.decode()
    assert "All sites (pooled)" in tabs and "&site=01" in tabs and "&site=02" in tabs
    assert b'data-scope="02"' in client.get(URL + "&site=02").content

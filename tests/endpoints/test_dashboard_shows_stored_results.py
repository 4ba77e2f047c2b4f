"""The dashboard shows the stored snapshot: primary endpoint as x/N = p % (exact CI), NE by reason,
response table, medians and landmarks, conventions, enrollment; it never computes in the request."""

from django.urls import reverse

from endpoints.models import DashboardPanel
from tests.endpoints.conftest import page_text
from tests.factories.endpoints import HAND_CUTOFF

URL = reverse("endpoints:dashboard") + f"?cutoff={HAND_CUTOFF.isoformat()}"


def test_primary_endpoint_shown_as_x_of_n_with_exact_ci_when_snapshot_stored(data_manager_client, hand_snapshot):
    text = page_text(data_manager_client.get(URL))
    # 2 of 4 treated: Clopper-Pearson (2, 4) = 0.0676-0.9324 (DOMAIN 5.1 table)
    assert "EOC1 2/4 = 50.0 % (95 % CI 6.8–93.2)" in text
    assert "HEMODILUTED 1" in text  # NE by reason
    assert "EOC2 0/4 = 0.0 % (95 % CI 0.0–60.2)" in text  # nobody has an EOC2 marrow


def test_survival_medians_and_landmarks_shown_when_snapshot_stored(data_manager_client, hand_snapshot):
    text = page_text(data_manager_client.get(URL))
    # OS: S = 3/4 at day 100, 1/2 at day 200 -> median 200 / 30.4375 = 6.57 months
    assert "Overall survival 4 2 2 6.6 (" in text
    assert "Time origin: Day 1 = C1D1" in text  # conventions printed beside the results
    assert "4 enrolled of target 20" in text


def test_plots_are_stored_svgs_served_by_url_when_snapshot_stored(data_manager_client, hand_snapshot):
    html = data_manager_client.get(URL).content.decode()
    panel = DashboardPanel.objects.get(snapshot=hand_snapshot, scope="ALL", language="en-gb")
    assert panel.html in html  # the stored block is served as it was rendered, nothing recomputed
    version = f"{hand_snapshot.data_version}-{hand_snapshot.calc_version}"
    for name in ("os", "efs", "mrd", "swimmer"):
        url = reverse("endpoints:plot", args=[HAND_CUTOFF.isoformat(), "ALL", name]) + f"?v={version}&lang=en-gb"
        assert f'src="{url.replace("&", "&amp;")}"' in html  # the plot of the page's language
        response = data_manager_client.get(url)
        assert response["Content-Type"].startswith("image/svg+xml")
        assert response.content.decode() == panel.plots[name] and panel.plots[name].startswith("<svg")
        assert "immutable" in response["Cache-Control"]
    assert "Overall survival (n = 4, events = 2)" in panel.plots["os"]  # text kept as text
    outdated = reverse("endpoints:plot", args=[HAND_CUTOFF.isoformat(), "ALL", "os"]) + "?v=0-0"
    assert data_manager_client.get(outdated)["Cache-Control"] == "private, no-cache"


def test_response_table_counts_link_to_the_participants_behind_them_when_clicked(
    data_manager_client, hand_snapshot, hand_participants
):
    html = data_manager_client.get(URL).content.decode()
    link = reverse("endpoints:group", args=[HAND_CUTOFF.isoformat(), "ALL"]) + "?g=primary.EOC1.RESPONDER"
    assert f'href="{link}"' in html
    listing = page_text(data_manager_client.get(link))
    a, b, c, d = (p.participant_id for p in hand_participants)
    assert a in listing and b in listing and c not in listing and d not in listing

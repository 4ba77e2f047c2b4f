"""The dashboard in headless Chromium: key numbers visible, plots drawn; a screenshot is saved."""

import pytest

from tests.browser import login
from tests.factories.endpoints import HAND_CUTOFF


@pytest.mark.django_db(transaction=True)
def test_dashboard_shows_key_numbers_in_chromium_when_snapshot_stored(
    live_server, page, data_manager, password, hand_snapshot, tmp_path
):
    login(page, live_server.url, data_manager.username, password)
    page.goto(f"{live_server.url}/endpoints/?cutoff={HAND_CUTOFF.isoformat()}")
    primary = page.get_by_test_id("primary-endpoint").inner_text()
    assert "2/4 = 50.0 % (95 % CI 6.8–93.2)" in primary
    assert "HEMODILUTED 1" in primary
    survival = page.get_by_test_id("survival").inner_text()
    assert "6.6 (3.3 to not reached)" in survival  # OS median 200 days, with its CI
    assert "50.0 % (5.8 % to 84.5 %)" in survival  # 12-month OS landmark with CI
    images = page.locator(".endpoint-panel img")
    assert images.count() == 4  # OS, EFS, MRD, swimmer
    for i in range(4):
        images.nth(i).scroll_into_view_if_needed()
        # decode() waits for the image (drawn on request, lazily loaded) and rejects if it cannot be shown
        assert images.nth(i).evaluate("img => img.decode().then(() => img.naturalWidth)") > 300
    page.get_by_test_id("primary-endpoint").get_by_role("link", name="2").first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("group-count").inner_text() == "2"
    page.go_back()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000

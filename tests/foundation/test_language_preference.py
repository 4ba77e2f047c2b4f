"""Which language a page is in: the sign-in page follows the browser (Accept-Language); a signed-in user's profile,
set by the menu's switcher, wins over it; the switcher returns to a page of this site only; the REST API answers
in English whatever the user or the browser chose."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from enrollment.models import StaffProfile
from tests.i18n import CHINESE, chinese_client
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db

ZH_BROWSER = "zh-CN,zh;q=0.9,en;q=0.5"


def test_login_page_in_chinese_for_a_chinese_browser():
    page = Client(HTTP_ACCEPT_LANGUAGE=ZH_BROWSER).get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<h1 class=\"h4 mb-3\">登录</h1>" in page
    assert "30 分钟无操作后会话自动结束" in page
    english = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").get(reverse("login")).content.decode()
    assert '<html lang="en-gb">' in english and "Sessions end after 30 minutes without activity" in english


def test_switcher_saves_the_profile_language_and_returns_to_the_page(coordinator):
    client = force_verified_login(Client(), coordinator)
    back = reverse("enrollment:participant-list") + "?q=01"
    response = client.post(reverse("set-language"), {"language": CHINESE, "next": back})
    assert response.status_code == 302 and response.url == back
    assert StaffProfile.objects.get(user=coordinator).language == CHINESE
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == CHINESE
    # the profile wins over the browser's English
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert '<html lang="zh-hans">' in page and "退出登录" in page
    # and back to English
    response = client.post(reverse("set-language"), {"language": "en-gb", "next": reverse("home")})
    assert response.url == reverse("home")
    assert StaffProfile.objects.get(user=coordinator).language == "en-gb"
    assert "Log out" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/home", "home", "javascript:alert(1)", ""]
)
def test_switcher_never_leaves_the_site(coordinator, next_url):
    client = force_verified_login(Client(), coordinator)
    response = client.post(reverse("set-language"), {"language": CHINESE, "next": next_url})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert StaffProfile.objects.get(user=coordinator).language == CHINESE


def test_switcher_ignores_an_unknown_language(coordinator):
    StaffProfile.objects.update_or_create(user=coordinator, defaults={"language": CHINESE})
    client = force_verified_login(Client(), coordinator)
    response = client.post(reverse("set-language"), {"language": "xx", "next": reverse("home")})
    assert response.status_code == 302
    assert StaffProfile.objects.get(user=coordinator).language == CHINESE


def test_api_stays_english_for_a_chinese_user_and_a_chinese_browser(coordinator):
    client = chinese_client(coordinator)
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE=ZH_BROWSER)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such API address: see /api/v1/ for the resources."}
    assert response["Content-Language"] == "en-gb"
    # DRF's own messages (which it ships in Chinese too) stay English as well
    anonymous = Client(HTTP_ACCEPT_LANGUAGE=ZH_BROWSER).get(reverse("api:root"))
    assert anonymous.status_code in (401, 403)
    assert anonymous.json() == {"detail": "Authentication credentials were not provided."}
    assert anonymous["Content-Language"] == "en-gb"
    # while the same user's pages are in Chinese
    assert "退出登录" in client.get(reverse("home")).content.decode()

"""The pages of the shell every page shares, in Simplified Chinese: the home page's frame, the error pages, the
sign-in and account pages (two-factor code, enrolment, recovery codes, password change, lockout), the API token
pages, and the record form's banners and the words its script shows.

Each page is fetched as the roles that see it through `chinese_client(user)` (the profile's language, as the
menu's switcher sets it) and must hold no English left (tests/i18n.py). Nothing of base.html is set aside: its
menu, switcher and footer are this area's own strings. What other areas write on these pages is kept off them
instead: the home page's work lists (each clinical app registers its own, with its own words) are replaced by one
list of this test's, the rows of the account page's own security events (their kinds and details are integrity's
words) are left out of the check, and the scope words of a lock (integrity's) are given in Chinese. Data on a page
(names, the new token's key, a parameter's name in the address) are data, not English. The same pages in English
still read as before.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from api.models import ApiToken
from blinatrial import access, worklist
from enrollment.models import StaffProfile
from integrity import locking
from integrity.models import LockScope
from tests.factories.assessments import MarrowFactory
from tests.factories.enrollment import ParticipantFactory, UserFactory
from tests.i18n import CHINESE, chinese_client, data_strings, english_left
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db

ROLE_FIXTURES = ("coordinator", "investigator", "data_manager", "monitor")


@pytest.fixture(autouse=True)
def _production_pages(settings):
    settings.DEBUG = False  # the 404 page, not Django's debug page


@pytest.fixture
def own_work_lists(monkeypatch):
    """One work list of this area in place of the clinical apps' (theirs are translated in their areas): more
    items than are shown (the "All n" link), and one list empty (the default "Nothing to do.")."""

    def many(user):
        items = [worklist.WorkItem(label=f"01-{n:03d}", url=reverse("home")) for n in range(1, 13)]
        return worklist.WorkList(key="many", title="待办", items=items, total=12, more_url=reverse("home"))

    def empty(user):
        return worklist.WorkList(key="none", title="空列表", items=[], total=0)

    registry = {
        "many": worklist.Provider("many", access.ROLES, 1, many),
        "none": worklist.Provider("none", access.ROLES, 2, empty),
    }
    monkeypatch.setattr(worklist, "REGISTRY", registry)


def _page(client: Client, url: str, data: dict | None = None, status: int = 200) -> str:
    response = client.get(url, data)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def _chinese_ok(page: str, *words: str, data: tuple[str, ...] = ()) -> None:
    assert english_left(page, [*data, *data_strings()]) == []
    assert 'lang="zh-hans"' in page
    for word in words:
        assert word in page


def _without_events(page: str) -> str:
    """The account page without the rows of its security events (integrity's words), its headings kept."""
    head, rest = page.split('data-testid="own-security-events"', 1)
    return head + re.sub(r"<tbody>.*?</tbody>", "", rest, count=1, flags=re.S)


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_home_page_in_chinese_for_every_role(request, role, own_work_lists):
    user = request.getfixturevalue(role)
    page = _page(chinese_client(user), reverse("home"))
    _chinese_ok(page, "欢迎", "全部 12 项", "暂无待办事项。", "您所在中心的待办事项", "受试者", "退出登录")
    assert str(access.ROLE_LABELS[next(iter(access.user_roles(user)))]) in page  # the role's name, in Chinese
    assert "时间" in page  # the footer's time-zone note


def test_home_page_of_a_user_without_a_role_in_chinese(site_a):
    user = UserFactory(username="norole", sites=[site_a])
    _chinese_ok(_page(chinese_client(user), reverse("home")), "尚未分配试验角色")


def test_error_pages_in_chinese(coordinator):
    client = chinese_client(coordinator)
    page = _page(client, reverse("integrity:lock-list"), status=403)
    _chinese_ok(page, "您无权访问此页面", "此页面仅供数据管理员使用", "返回我的工作列表")
    _chinese_ok(_page(client, "/no/such/page/", status=404), "此页面不存在")
    page = _page(client, reverse("enrollment:participant-list"), {"page": "2,5"}, status=400)
    _chinese_ok(page, "页码：请输入整数页码。", "不带这些参数打开此页面")
    page = _page(client, reverse("enrollment:participant-list"), {"q": "01\x00"}, status=400)
    _chinese_ok(page, "“q”：不允许包含空字符。", data=("q",))


def test_refusal_names_several_roles_in_chinese():
    with translation.override(CHINESE):
        text = access.refusal([access.INVESTIGATOR, access.MONITOR, access.DATA_MANAGER])
    assert text.startswith("此页面仅供研究者、数据管理员和监查员使用。")


def test_the_500_page_is_in_both_languages():
    page = (settings.BASE_DIR / "templates" / "500.html").read_text(encoding="utf-8")
    assert "Something went wrong on our side" in page and "tell your data manager" in page
    assert "系统出错" in page and "数据管理员" in page and "返回我的工作列表" in page


def test_account_pages_in_chinese(coordinator, investigator):
    # no second factor yet (a coordinator may go without): the offer to set one up
    client = chinese_client(coordinator)
    _chinese_ok(_without_events(_page(client, reverse("account-security"))), "双因素登录", "未开启。", "修改密码")
    page = _page(client, reverse("two-factor-enrol"))
    _chinese_ok(page, "设置双因素登录", "身份验证器", "验证码", 'alt="身份验证器密钥的二维码"')
    _chinese_ok(_page(client, reverse("password_change")), "修改密码")
    _chinese_ok(_page(client, reverse("password_change_done")), "您的密码已修改。")
    # an investigator has an authenticator: the count of recovery codes, and new ones shown once
    client = chinese_client(investigator)
    _chinese_ok(_without_events(_page(client, reverse("account-security"))), "已开启", "新的恢复码", "个恢复码")
    response = client.post(reverse("recovery-codes"))
    assert response.status_code == 302
    page = _page(client, response.url)
    codes = re.findall(r"<li>([^<]+)</li>", page.split('data-testid="recovery-codes"', 1)[1].split("</ul>", 1)[0])
    assert codes
    _chinese_ok(page, "请妥善保存这些恢复码", "您之前的恢复码已失效", "我已保存：继续", data=tuple(codes))


def test_two_factor_code_page_in_chinese_with_a_wrong_code(investigator):
    StaffProfile.objects.update_or_create(user=investigator, defaults={"language": CHINESE})
    client = Client()
    client.force_login(investigator)  # signed in, second factor not yet given
    url = reverse("two-factor-verify")
    _chinese_ok(_page(client, url), "登录验证码", "请输入身份验证器应用当前显示的验证码", "验证")
    response = client.post(url, {"code": "000000"})
    _chinese_ok(response.content.decode(), "验证码不正确")


def test_login_and_lockout_pages_follow_the_browser_language(coordinator):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    page = _page(client, reverse("login"))
    _chinese_ok(page, "登录", "30 分钟无操作后会话自动结束")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": coordinator.username, "password": "wrong"})
    assert response.status_code == 429
    _chinese_ok(response.content.decode(), "账户已锁定", "登录失败次数过多")


def test_api_token_pages_in_chinese(coordinator):
    client = chinese_client(coordinator)
    _chinese_ok(_page(client, reverse("api-token-list")), "API 令牌", "尚无令牌。")
    _chinese_ok(_page(client, reverse("api-token-create")), "新建 API 令牌", "有效期（天）", "生成令牌")
    response = client.post(reverse("api-token-create"), {"name": "  ", "days": "9999"})
    assert response.status_code == 400
    _chinese_ok(response.content.decode(), "令牌有效期最长为")
    response = client.post(reverse("api-token-create"), {"name": "nightly", "days": "30"})
    assert response.status_code == 302
    page = _page(client, reverse("api-token-list"))
    key = re.search(r'data-testid="new-token-key">([^<]+)<', page)[1]
    _chinese_ok(page, "请立即复制", "有效", "从未使用", "撤销", data=(key,))
    token = ApiToken.objects.get(user=coordinator)
    response = client.post(reverse("api-token-revoke", args=[token.pk]), follow=True)
    _chinese_ok(response.content.decode(), "令牌“nightly”已撤销", "已撤销")


def test_read_only_banners_in_chinese(site_a, data_manager):
    participant = ParticipantFactory(screening__site=site_a)
    lock = locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant, reason="")
    with translation.override(CHINESE):
        banner = render_to_string(
            "includes/read_only_banner.html", {"read_only": SimpleNamespace(lock=lock, lock_scope="受试者")}
        )
        review = render_to_string("includes/read_only_banner.html", {"read_only": SimpleNamespace(lock=None)})
    assert english_left(banner) == [] and english_left(review) == []
    assert "已锁定：此记录对所有人只读。" in banner and "未填写" in banner and "<em>锁定</em>" in banner
    assert "只读。" in review and "质疑" in review


def test_record_form_gives_its_script_chinese_words(site_a, monitor):
    participant = ParticipantFactory(screening__site=site_a)
    marrow = MarrowFactory(participant=participant, timepoint="EOC1",
                           sample_date=datetime.date.today() - datetime.timedelta(days=20))
    page = _page(chinese_client(monitor), reverse("assessments:marrow-edit", args=[marrow.pk]))
    form = re.search(r'<form[^>]*data-testid="record-form"[^>]*>', page)[0]
    assert 'data-word-history="修改历史（{n}）"' in form
    assert 'data-word-query="质疑"' in form and 'data-word-raise-query="提出质疑"' in form
    banner = re.search(r'data-testid="review-banner">(.*?)</div>', page, re.S)[1]
    assert english_left(banner) == [] and "只读" in banner


def test_the_same_pages_in_english_read_as_before(coordinator, own_work_lists):
    client = force_verified_login(Client(), coordinator)
    page = _page(client, reverse("home"))
    assert 'lang="en-gb"' in page
    for words in ("Welcome, ", "All 12", "Nothing to do.", "What is waiting for you at your sites", "Participants",
                  "Site coordinator", "Log out", "Blinatumomab plus reduced-dose chemotherapy"):
        assert words in page
    assert "This page is for data managers. Ask your data manager" in _page(
        client, reverse("integrity:lock-list"), status=403
    )
    assert "Page: Enter a whole page number." in _page(
        client, reverse("enrollment:participant-list"), {"page": "x"}, status=400
    )
    assert "Two-factor sign-in" in _page(client, reverse("account-security"))
    assert "A token lets a program read" in _page(client, reverse("api-token-list"))
    assert "Set up two-factor sign-in" in _page(client, reverse("two-factor-enrol"))
    assert "Sessions end after 30 minutes without activity" in _page(Client(), reverse("login"))

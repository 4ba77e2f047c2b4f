"""The enrollment pages in Simplified Chinese: the screening log, a candidate (eligible, ineligible by its data,
screen failed, enrolled), the screening, consent, enrolment, status and study-settings forms (also with their
errors), the participant list and the casebook, as each role that sees them. No English is left on them
(tests/i18n.py: data, codes of the trade, units and names aside), and a known Chinese term is there.

While the other areas are translated in parallel, base.html's menu and footer may still show English: only the
`<main>` element's content is checked (what the enrollment templates render). The casebook's sections of the other
apps are replaced by one section written in Chinese (the contract of tests/enrollment/conftest.py's fake section).
The form pages also hold the integrity area's shared parts of every clinical form (the reason for change, the
review and read-only banners, the decimal boxes' hint): on those pages only, the Latin words of integrity's own
texts (its string literals and templates) are set aside too, until that area is translated.

The same pages in English still read in English, and what the app stores when a Chinese user acts (the
screen-failure reason offered, the status-change reasons, the automatic query's text) stays English.
"""

import datetime
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from enrollment.models import ScreeningRecord, StatusChange
from integrity.models import DataQuery
from tests.enrollment.conftest import days_ago, edit_data, enroll_data, screening_data
from tests.factories.enrollment import (
    ConsentFactory,
    ParticipantFactory,
    ScreeningFactory,
    UserFactory,
    criteria_before_consent,
)
from tests.i18n import _LATIN_WORD, chinese_client, data_strings, english_left
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db


def chinese_section(participant, user):
    """A casebook section as another app provides it, written in Chinese (its kinds and states are the
    enrollment page's to translate)."""
    from enrollment.casebook import CasebookSection, DueItem, TimelineEntry

    c1d1 = participant.enrolled_on + datetime.timedelta(days=1)
    return CasebookSection(
        title="治疗",
        template="enrollment/_status_badge.html",
        context={"status": "on_treatment", "label": "治疗中", "c1d1": c1d1, "current_cycle": 2},
        order=10,
        timeline=[TimelineEntry(c1d1, "dose", "C1D1 首次给药")],
        due=[DueItem("EOC1 骨髓评估", c1d1 + datetime.timedelta(days=27), c1d1 + datetime.timedelta(days=25),
                     c1d1 + datetime.timedelta(days=34), "overdue")],
    )


@pytest.fixture(autouse=True)
def casebook_providers(monkeypatch):
    monkeypatch.setattr(
        "enrollment.views.SECTION_PROVIDERS",
        ("tests.enrollment.test_enrollment_pages_in_chinese.chinese_section",),
    )


def _integrity_words() -> set[str]:
    """The Latin words of the integrity area's texts: its Python string literals, its shared templates and the
    names of the fields every clinical record has (integrity.models.ClinicalRecord)."""
    from integrity.models import ClinicalRecord

    root = Path(settings.BASE_DIR)
    texts = [m for f in (root / "integrity").rglob("*.py") for m in re.findall(r'"([^"\n]*)"', f.read_text())]
    for f in [*(root / "templates" / "includes").glob("*.html"), *(root / "templates" / "integrity").rglob("*.html")]:
        texts.append(re.sub(r"{[%{#].*?[%}#]}", " ", f.read_text()))
    with override("en-gb"):
        texts += [str(f.verbose_name).capitalize() for f in ClinicalRecord._meta.get_fields()
                  if hasattr(f, "verbose_name")]
    return {w for text in texts for w in _LATIN_WORD.findall(text)}


INTEGRITY_WORDS = _integrity_words()


def main_of(page: str) -> str:
    """The content of the page's <main> element (base.html's menu and footer set aside)."""
    found = re.search(r"<main\b[^>]*>(.*)</main>", page, flags=re.S)
    assert found, "the page has a <main> element"
    return found.group(1)


@pytest.fixture
def trial(site_a):
    """A candidate of each kind at site A, and participants in each status."""
    eligible = ScreeningFactory(site=site_a, screened_on=days_ago(20), screening_number="S01-001", initials="ZQ")
    ConsentFactory(screening=eligible, signed_on=days_ago(19))
    ineligible = ScreeningFactory(
        site=site_a, screened_on=days_ago(15), screening_number="S01-002", initials="WX", cns_status="CNS3", ecog=None,
        bilirubin_x_uln="2.5", ph_result="POSITIVE", criteria={**criteria_before_consent(), "EXC_CNS3": "met",
                                                               "INC_NEW_BALL": "not_met",
                                                               "EXC_INFECTION": "not_assessed"},
    )
    unknown_age = ScreeningFactory(
        site=site_a, screened_on=days_ago(14), screening_number="S01-003", initials="LY", birth_date=None, age_years=70,
    )
    failed = ScreeningFactory(
        site=site_a, screened_on=days_ago(30), screening_number="S01-004", initials="HJ", status="screen_failed",
        screen_fail_reason="拒绝参加",
    )
    enrolled = ParticipantFactory(
        screening__site=site_a, screening__screening_number="S01-005", screening__initials="MK",
    )
    off_study = ParticipantFactory(
        screening__site=site_a, screening__screening_number="S01-006", screening__initials="TR", status="off_study",
        off_study_reason="death",
    )
    StatusChange.objects.create(
        participant=off_study, from_status="enrolled", to_status="off_study", changed_on=off_study.status_on,
        reason="death",
    )
    StatusChange.objects.create(
        participant=enrolled, from_status="screening", to_status="enrolled", changed_on=enrolled.enrolled_on,
        reason="Enrolled",
    )
    return {"eligible": eligible, "ineligible": ineligible, "unknown_age": unknown_age, "failed": failed,
            "enrolled": enrolled, "off_study": off_study}


def _pages(trial) -> dict[str, list[str]]:
    """Role -> the enrollment pages (GET) that role sees."""
    s = p = trial
    reading = [
        reverse("enrollment:screening-list"),
        reverse("enrollment:screening-list") + "?status=screening&q=S01",
        reverse("enrollment:screening-list") + "?q=nobody",
        *[reverse("enrollment:screening-detail", args=[s[k].pk]) for k in
          ("eligible", "ineligible", "unknown_age", "failed")],
        reverse("enrollment:screening-detail", args=[p["enrolled"].screening.pk]),
        reverse("enrollment:participant-list"),
        reverse("enrollment:participant-list") + "?status=off_study",
        reverse("enrollment:participant-list") + "?q=nobody",
        reverse("enrollment:participant-detail", args=[p["enrolled"].pk]),
        reverse("enrollment:participant-detail", args=[p["off_study"].pk]),
    ]
    writing = [
        reverse("enrollment:screening-add"),
        reverse("enrollment:screening-edit", args=[s["eligible"].pk]),
        reverse("enrollment:consent-add", args=[s["eligible"].pk]),
        reverse("enrollment:consent-edit", args=[s["eligible"].consents.get().pk]),
        reverse("enrollment:participant-enroll", args=[s["eligible"].pk]),
        reverse("enrollment:participant-enroll", args=[s["ineligible"].pk]),
        reverse("enrollment:participant-status", args=[p["enrolled"].pk]),
        reverse("enrollment:participant-status", args=[p["off_study"].pk]),
    ]
    return {
        "coordinator": reading + writing,
        "investigator": reading + writing[:2],
        "monitor": reading + [reverse("enrollment:screening-edit", args=[s["eligible"].pk])],
        "data_manager": reading + [reverse("enrollment:study-settings")],
    }


def english_on(page: str, data: list[str], form: bool = False) -> list[str]:
    """English left in the page's <main>; on a form page, integrity's shared form parts set aside."""
    found = english_left(main_of(page), data)
    return [w for w in found if w not in INTEGRITY_WORDS] if form else found


FORM_PAGES = ("/add/", "/edit/", "/consent/", "/enroll/", "/status/", "/settings/")


def test_every_enrollment_page_is_in_chinese(request, trial):
    data = data_strings()
    left, seen = {}, 0
    for role, urls in _pages(trial).items():
        client = chinese_client(request.getfixturevalue(role))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            found = english_on(response.content.decode(), data, form=url.endswith(FORM_PAGES))
            if found:
                left[f"{role} {url}"] = found
            seen += 1
    assert not left, "English on Chinese pages:\n" + "\n".join(f"{k}: {v}" for k, v in left.items())
    assert seen > 40


@pytest.mark.parametrize(
    ("key", "terms"),
    [
        ("ineligible", ["筛选", "入选资格", "不符合入选标准", "CNS3：存在（排除标准）", "总胆红素为正常值上限的2.5倍",
                        "未录入ECOG评分", "BCR::ABL1阳性"]),
        ("unknown_age", ["年龄70岁，超出方案规定范围18-59岁。"]),
        ("eligible", ["符合入选标准", "知情同意", "签署于"]),
    ],
)
def test_the_screening_detail_shows_the_failed_criteria_in_chinese(coordinator, trial, key, terms):
    page = chinese_client(coordinator).get(reverse("enrollment:screening-detail", args=[trial[key].pk]))
    text = main_of(page.content.decode())
    for term in terms:
        assert term in text, term


def test_the_casebook_in_chinese(coordinator, trial):
    client = chinese_client(coordinator)
    page = main_of(client.get(reverse("enrollment:participant-detail", args=[trial["off_study"].pk])).content.decode())
    for term in ("受试者", "状态历史", "时间线", "剂量", "已逾期", "第2周期", "退出研究：死亡", "筛选，筛选号S01-006"):
        assert term in page, term
    page = main_of(client.get(reverse("enrollment:participant-detail", args=[trial["enrolled"].pk])).content.decode())
    assert "已入组" in page and "Enrolled" not in page


def test_form_errors_are_in_chinese(coordinator, trial, site_a, data_manager):
    client = chinese_client(coordinator)
    data = data_strings()
    # a tick contradicting the data, a future date, no age
    response = client.post(reverse("enrollment:screening-add"), screening_data(
        site_a, criterion_EXC_CNS3="met", screened_on=(days_ago(-3)).isoformat(), birth_date="", age_years="",
    ))
    assert response.status_code == 400
    page = main_of(response.content.decode())
    assert english_on(response.content.decode(), data, form=True) == []
    assert "勾选为符合，但数据显示为不符合" in page and "是将来的日期" in page and "请填写出生日期或年龄" in page
    # enrolment refused: not eligible, no consent
    response = client.post(reverse("enrollment:participant-enroll", args=[trial["ineligible"].pk]), enroll_data())
    assert response.status_code == 400
    page = main_of(response.content.decode())
    assert english_on(response.content.decode(), data, form=True) == []
    assert "候选者不符合入选标准" in page and "尚无已签署的知情同意。" in page
    # a consent dated before the screening
    response = client.post(reverse("enrollment:consent-add", args=[trial["eligible"].pk]), {
        "document_version": "1.1", "signed_on": days_ago(25).isoformat(), "obtained_by": "Dr Li",
    })
    assert response.status_code == 400
    page = main_of(response.content.decode())
    assert english_on(response.content.decode(), [*data, "Dr Li"], form=True) == []
    assert "知情同意日期" in page and "早于筛选日期" in page
    # study settings: the target below the enrolled participants
    response = chinese_client(data_manager).post(reverse("enrollment:study-settings"), {
        "target_enrollment": "1", "registry_id": "", "sponsor": "", "reason": "",
    })
    page = main_of(response.content.decode())
    assert english_on(response.content.decode(), data, form=True) == []
    assert "目标不能低于此数" in page and "稽查轨迹" in page


def test_the_same_pages_in_english_still_read_in_english(coordinator, trial):
    client = force_verified_login(Client(), coordinator)
    detail = client.get(reverse("enrollment:screening-detail", args=[trial["ineligible"].pk])).content.decode()
    for text in ("Screening log", "Eligibility", "Not eligible", "Failed criteria:",
                 "CNS3 disease: present (exclusion) (CNS3)",
                 "Adequate organ function: not met (Total bilirubin 2.5 x ULN (limit 1.5))",
                 "ECOG performance status 0-2: not assessed (ECOG not entered)", "Screen failure"):
        assert text in detail, text
    casebook = client.get(reverse("enrollment:participant-detail", args=[trial["off_study"].pk])).content.decode()
    for text in ("Status history", "Timeline", "overdue", "dose", "Off study since", ": death", "Death", "C2",
                 "Screened as S01-006"):
        assert text in casebook, text
    listing = client.get(reverse("enrollment:screening-list")).content.decode()
    assert "<td>F / " in listing and "candidates" in listing
    assert "受试者" not in detail + casebook + listing


def test_what_a_chinese_user_makes_the_app_store_stays_english(coordinator, trial, site_a):
    client = chinese_client(coordinator)
    screening = trial["ineligible"]
    # the screen-failure reason offered (the failed criteria, shown in Chinese) is stored in English
    page = client.get(reverse("enrollment:screening-detail", args=[screening.pk])).content.decode()
    offered = re.search(r'<textarea name="reason"[^>]*>\s*(.*?)</textarea>', page, flags=re.S).group(1)
    assert "不符合" in offered
    client.post(reverse("enrollment:screening-fail", args=[screening.pk]), {"reason": html.unescape(offered)})
    screening.refresh_from_db()
    assert screening.status == "screen_failed"
    assert "CNS3 disease: present (exclusion) (CNS3)" in screening.screen_fail_reason
    assert not re.search(r"[\u4e00-\u9fff]", screening.screen_fail_reason)
    # enrolment and a status change: the reasons the system writes stay English
    eligible = trial["eligible"]
    response = client.post(reverse("enrollment:participant-enroll", args=[eligible.pk]), enroll_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    participant = ScreeningRecord.objects.get(pk=eligible.pk).participant
    assert list(participant.status_changes.values_list("reason", flat=True)) == ["Enrolled"]
    response = client.post(reverse("enrollment:participant-status", args=[participant.pk]), {
        "to_status": "off_study", "changed_on": days_ago(0).isoformat(), "off_study_reason": "consent_withdrawn",
    })
    assert response.status_code == 302
    assert participant.status_changes.order_by("-id").first().reason == "consent_withdrawn"
    # the automatic query raised when an enrolled participant's data fail eligibility is stored in English
    enrolled = trial["enrolled"].screening
    response = client.post(reverse("enrollment:screening-edit", args=[enrolled.pk]),
                           edit_data(enrolled, cns_status="CNS3", criterion_EXC_CNS3="met"))
    assert response.status_code == 302
    query = DataQuery.objects.get(check_code="ELIGIBILITY_LOST")
    assert "CNS3 disease: present (exclusion) (CNS3)" in query.text and "protocol deviation" in query.text
    assert not re.search(r"[\u4e00-\u9fff]", query.text)


def test_a_user_without_a_profile_language_follows_english(site_a):
    user = UserFactory(role="Site coordinator", sites=[site_a])
    client = force_verified_login(Client(), user)
    assert "Screening log" in client.get(reverse("enrollment:screening-list")).content.decode()

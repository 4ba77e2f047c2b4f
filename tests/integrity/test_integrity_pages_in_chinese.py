"""Every page of the integrity area (audit trail, data queries, locks, e-signatures, source data verification,
security log) in Simplified Chinese, as each role that sees it: no English left (tests/i18n.py), and a known
Chinese term on the page so that an empty page cannot pass. The same pages in English still read in English.

Set aside while the other areas' catalogues are merged (the lead merges the eight):
- base.html's menu and footer: only the page's `<main>` element is checked;
- the interface words of the other areas' models that an integrity page shows (their models', fields' and
  choices' names: a query's form and field, an audit row's form, field and values), as long as they are still
  in Latin letters, i.e. untranslated in this worktree's catalogue. Once translated they are no longer set aside.
"""

import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.forms import modelform_factory
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import FlowResultType
from integrity import edit_checks, locking, queries, signatures, verification
from integrity.forms import ClinicalRecordForm
from integrity.models import LockScope, SecurityEventKind, Signature
from integrity.security_log import record_security_event
from integrity.services import save_record
from integrity.words import words as in_words
from tests.factories.assessments import BloodCountFactory, FlowMrdFactory
from tests.factories.enrollment import ParticipantFactory
from tests.factories.integrity import form_data
from tests.i18n import PROJECT_APPS, chinese_client, data_strings, english_left, visible_text
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db

MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
LATIN = re.compile(r"[A-Za-z]")


def main_of(page: str) -> str:
    found = MAIN.search(page)
    return found.group(1) if found else page


def other_areas_words() -> list[str]:
    """Names of other apps' models, fields and choices still in Latin letters (in the active language), and the
    words of the codes their records store in JSON (screening criteria: integrity.words spells them out)."""
    words: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label == "integrity":
            continue
        names = [model._meta.verbose_name, model._meta.verbose_name_plural]
        for field in model._meta.get_fields():
            names.append(getattr(field, "verbose_name", ""))
            names.extend(label for _, label in (getattr(field, "flatchoices", None) or []))
            if isinstance(field, models.JSONField) and model._meta.app_label in PROJECT_APPS:
                for value in model._base_manager.values_list(field.name, flat=True):
                    if isinstance(value, dict):
                        names.extend(str(in_words(v)) for pair in value.items() for v in pair)
        for name in map(str, filter(None, names)):
            if LATIN.search(name):
                words.update({name, name.capitalize()})
    return sorted(words, key=len, reverse=True)


def english_on(page: str, data: list[str], others: list[str]) -> list[str]:
    """english_left on the page's <main>, once data and the other areas' words are set aside."""
    text = visible_text(main_of(page))
    for value in [*data, *others]:  # whole words only: a short value does not hide part of a longer word
        if value in text:
            text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", text)
    return english_left(text.replace("<", " ").replace(">", " "), [])


def _edit(record, user, reason: str, **changes):
    form_class = modelform_factory(type(record), form=ClinicalRecordForm, exclude=[])
    data = {**form_data(record), **{k: str(v) for k, v in changes.items()}, "row_version": record.row_version,
            "change_reason": reason, "change_reason_detail": "源文件为10.5"}
    form = form_class(data, instance=record)
    assert form.is_valid(), form.errors
    return save_record(form, user=user, reason=form.reason, expected_version=record.row_version)


@pytest.fixture
def world(site_a, participant, coordinator, investigator, data_manager, monitor):
    """One participant with a blood count (edited with a reason), a person's query (answered) and an automatic
    one, a signature, source verification, a participant lock, an ended study freeze and security events."""
    cbc = BloodCountFactory(participant=participant)
    cbc = _edit(cbc, coordinator, "Transcription error", hb_g_per_l="105")
    asked = queries.raise_query(user=monitor, record=cbc, field_name="hb_g_per_l", text="血红蛋白与源文件不符？")
    queries.answer(user=coordinator, query=asked, text="已更正。")
    FlowMrdFactory(marrow__participant=participant, result_type=FlowResultType.NOT_DETECTED, value_pct=None,
                   lod_pct=None)
    with translation.override("zh-hans"):
        edit_checks.run_for_participant(participant)
    Signature.objects.create(
        participant=participant, timepoint="", signer=investigator, printed_name="王医生", meaning="approved",
        signed_at=timezone.now(), content_hash=signatures.content_hash(participant),
    )
    verification.verify(user=monitor, record=cbc, field_name="")
    other = ParticipantFactory(screening__site=site_a)
    lock = locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=other, reason="数据清理完成")
    freeze = locking.lock(user=data_manager, scope=LockScope.STUDY, reason="期中分析")
    locking.unlock(freeze, user=data_manager, reason="期中分析结束")
    record_security_event(SecurityEventKind.LOGIN_FAILED, user=coordinator, username=coordinator.username,
                          detail="wrong password")
    record_security_event(SecurityEventKind.LOGIN, user=coordinator, detail="password and second factor")
    ct = ContentType.objects.get_for_model(type(cbc)).pk
    return {"participant": participant, "cbc": cbc, "ct": ct, "asked": asked, "lock": lock,
            "other": other}


def _pages(w) -> dict[str, list[tuple[str, str]]]:
    """role -> [(url, a Chinese term the page must show)]"""
    p, cbc, ct = w["participant"].pk, w["cbc"].pk, w["ct"]
    asked = w["asked"].pk
    from integrity.models import DataQuery

    auto = DataQuery.objects.exclude(check_code="").first().pk
    common = [
        (reverse("integrity:query-list"), "数据质疑"),
        (reverse("integrity:query-list") + "?status=open", "自动逻辑核查"),
        (reverse("integrity:query-list") + "?status=all", "全部"),
        (reverse("integrity:query-detail", args=[asked]), "发起人"),
        (reverse("integrity:query-detail", args=[auto]), "检测下限"),
        (reverse("integrity:signature-print", args=[p]), "签署内容（当前值）"),
    ]
    audit = [
        (reverse("integrity:participant-audit", args=[p]), "稽查轨迹"),
        (reverse("integrity:record-audit", args=[ct, cbc]), "转录错误"),
        (reverse("integrity:field-history", args=[ct, cbc, "hb_g_per_l"]), "历史"),
        (reverse("integrity:field-history", args=[ct, cbc, "hb_g_per_l"]) + "?partial=1", "修改"),
    ]
    return {
        "data_manager": [
            *common, *audit,
            (reverse("integrity:audit-list"), "稽查轨迹"),
            (reverse("integrity:record-remove", args=[ct, cbc]), "删除原因"),
            (reverse("integrity:query-raise", args=[ct, cbc]), "发起质疑"),
            (reverse("integrity:lock-list"), "数据锁定"),
            (reverse("integrity:lock-create"), "锁定范围"),
            (reverse("integrity:lock-unlock", args=[w["lock"].pk]), "解锁原因"),
            (reverse("integrity:security-log"), "安全日志"),
            (reverse("integrity:sdv-progress"), "源数据核查"),
        ],
        "monitor": [
            *common, *audit,
            (reverse("integrity:audit-list"), "稽查轨迹"),
            (reverse("integrity:query-raise", args=[ct, cbc]), "发起质疑"),
            (reverse("integrity:sdv-progress"), "按受试者"),
        ],
        "investigator": [
            *common, *audit,
            (reverse("integrity:sign", args=[p]), "电子签名"),
            (reverse("integrity:record-remove", args=[ct, cbc]), "删除原因"),
        ],
        "coordinator": [*common, (reverse("integrity:record-remove", args=[ct, cbc]), "删除原因")],
    }


ROLES = ("data_manager", "monitor", "investigator", "coordinator")


def test_every_integrity_page_is_in_chinese_for_each_role(world, request):
    data = data_strings()
    with translation.override("zh-hans"):
        others = other_areas_words()
    hits = {}
    for role, pages in _pages(world).items():
        client = chinese_client(request.getfixturevalue(role))
        for url, term in pages:
            response = client.get(url)
            page = response.content.decode()
            if response.status_code != 200 or term not in page:
                hits[f"{role} {url}"] = [f"status {response.status_code}, {term} shown: {term in page}"]
            if left := english_on(page, data, others):
                hits[f"{role} {url}"] = [*hits.get(f"{role} {url}", []), *left]
    assert not hits, "English on Chinese pages:\n" + "\n".join(f"{k}: {v}" for k, v in sorted(hits.items()))


def test_the_record_integrity_parts_of_a_record_form_are_in_chinese(world, data_manager, monitor):
    """The links and badges over a record's form (data manager) and the review table of a monitor."""
    url = queries.form_url(world["cbc"])
    data = data_strings()
    with translation.override("zh-hans"):
        others = other_areas_words()
    page = chinese_client(data_manager).get(url).content.decode()
    [links] = re.findall(r'<div[^>]*data-testid="record-integrity".*?</div>', page, re.S)
    assert "此记录的稽查轨迹" in links and "删除此记录" in links and "条未关闭的质疑" in links
    assert english_on(links, data, others) == []

    page = chinese_client(monitor).get(url).content.decode()
    [review] = re.findall(r'<section[^>]*data-testid="record-review".*?</section>', page, re.S)
    assert "审阅此记录" in review and "转录错误：源文件为10.5" in review
    assert english_on(review, data, others) == []


def test_the_casebook_section_and_the_work_lists_are_in_chinese(world, data_manager, monitor):
    from django.template.loader import render_to_string

    from integrity import casebook
    from integrity.worklists import active_locks, queries_live, queries_raised

    data = data_strings()
    with translation.override("zh-hans"):
        others = other_areas_words()
        section = casebook.section(world["participant"], data_manager)
        html = render_to_string(section.template, section.context)
        assert "此受试者的稽查轨迹" in html
        assert english_on(html, data, others) == []
        lists = [queries_live(data_manager), active_locks(data_manager), queries_raised(monitor)]
        words = " ".join(f"{wl.title} {wl.empty} {wl.hint} " + " ".join(f"{i.label} {i.note}" for i in wl.items)
                         for wl in lists)
    assert "未关闭和已回复的质疑" in words and "生效中的锁定" in words
    assert english_on(words, data, others) == []


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("integrity:query-list", "Data queries"),
        ("integrity:lock-list", "Data locks"),
        ("integrity:sdv-progress", "Source data verification"),
        ("integrity:security-log", "Sign-ins, failures and lockouts"),
        ("integrity:audit-list", "Every change is written by database triggers"),
    ],
)
def test_the_same_pages_in_english_still_read_in_english(world, data_manager, name, english):
    page = force_verified_login(Client(), data_manager).get(reverse(name)).content.decode()
    assert english in page


def test_an_english_audit_page_shows_stored_reasons_as_stored(world, data_manager):
    page = force_verified_login(Client(), data_manager).get(
        reverse("integrity:record-audit", args=[world["ct"], world["cbc"].pk])
    ).content.decode()
    assert "Transcription error: 源文件为10.5" in page
    assert "转录错误" not in page

"""An automatic query's text is stored in English, whatever language the change that raised it was made in, and
pages show it in the reader's language (integrity.texts matches the stored English against the message
templates): Chinese to a Chinese reader, English to an English one; showing it never changes what is stored."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments.models import FlowResultType
from integrity import edit_checks, texts
from integrity.models import DataQuery, QueryStatus
from tests.factories.assessments import BloodCountFactory, FlowMrdFactory
from tests.i18n import chinese_client
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db

FLOW_EN = "Flow MRD is 'not detected' but no limit of detection (LOD, %) is entered."
FLOW_ZH = "流式MRD为“未检出”，但未填写检测下限（LOD，%）。"


def _query(code: str) -> DataQuery:
    return DataQuery.objects.exclude(status=QueryStatus.CLOSED).get(check_code=code)


@pytest.fixture
def flow_query(participant):
    """The flow MRD check raised its query while a Chinese reader's request was active."""
    FlowMrdFactory(marrow__participant=participant, result_type=FlowResultType.NOT_DETECTED, value_pct=None,
                   lod_pct=None)
    with translation.override("zh-hans"):
        edit_checks.run_for_participant(participant)
    return _query("FLOW_NO_LOD")


def test_the_query_is_stored_in_english_when_raised_during_a_chinese_request(flow_query):
    assert flow_query.text == FLOW_EN
    assert flow_query.messages.get().text == FLOW_EN


def test_a_chinese_reader_sees_the_query_in_chinese_and_the_stored_text_is_unchanged(flow_query, monitor):
    client = chinese_client(monitor)
    for url in (reverse("integrity:query-list"), reverse("integrity:query-detail", args=[flow_query.pk])):
        page = client.get(url).content.decode()
        assert FLOW_ZH in page, url
        assert "no limit of detection" not in page, url
    flow_query.refresh_from_db()
    assert flow_query.text == FLOW_EN


def test_an_english_reader_sees_the_query_in_english(flow_query, monitor):
    client = force_verified_login(Client(), monitor)
    page = client.get(reverse("integrity:query-detail", args=[flow_query.pk])).content.decode()
    assert "Flow MRD is &#x27;not detected&#x27; but no limit of detection (LOD, %) is entered." in page
    assert FLOW_ZH not in page


def test_a_date_order_query_shows_its_dates_and_date_names_in_chinese(participant, monitor):
    sample_date = participant.enrolled_on - datetime.timedelta(days=400)
    BloodCountFactory(participant=participant, sample_date=sample_date)
    with translation.override("zh-hans"):
        edit_checks.run_for_participant(participant)
    query = _query("DATE_ORDER_BLOOD_COUNT")
    day = sample_date
    assert query.text.startswith(f"The sample date ({day.day} {day:%b} {day.year}) is before the date of consent (")

    page = chinese_client(monitor).get(reverse("integrity:query-detail", args=[query.pk])).content.decode()

    assert f"采样日期（{day.year}年{day.month}月{day.day}日）早于知情同意日期（" in page
    assert "is before" not in page
    query.refresh_from_db()
    assert query.text.startswith("The sample date (")


def test_the_closing_note_of_an_automatic_query_shows_in_chinese(flow_query, participant, monitor):
    type(flow_query.record).objects.filter(pk=flow_query.object_id).update(lod_pct=0.005)
    edit_checks.run_for_participant(participant)
    flow_query.refresh_from_db()
    assert flow_query.status == QueryStatus.CLOSED
    assert flow_query.messages.last().text == texts.CLOSED_AUTOMATICALLY

    page = chinese_client(monitor).get(reverse("integrity:query-detail", args=[flow_query.pk])).content.decode()

    assert "自动关闭：数据现已通过核查。" in page


@pytest.mark.parametrize(
    ("stored", "chinese"),
    [
        ("Participant 01-003 is locked (since 29 Nov 2026 14:05 UTC); unlock it with a reason to edit.",
         "受试者01-003已锁定（自2026年11月29日 14:05 UTC起）；如需编辑，请填写原因解锁。"),
        ("Transcription error: typed 18 for 1.8", "转录错误：typed 18 for 1.8"),
        ("Query raised by edit check RSP_DIFF", "由逻辑核查RSP_DIFF发起质疑"),
        ("Something a person typed.", "Something a person typed."),
    ],
)
def test_stored_english_texts_show_translated_and_typed_text_as_it_is(stored, chinese):
    with translation.override("zh-hans"):
        assert texts.shown(stored) == chinese
    with translation.override("en-gb"):
        assert texts.shown(stored) == stored

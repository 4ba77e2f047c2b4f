"""The assessment pages in Simplified Chinese: every page of the area (status matrix, lab import, a participant's
assessments, the end-of-cycle page with and without a marrow, each record form to add and to correct) rendered as
the roles that see it, through `chinese_client`, holds no English left (tests/i18n.py), and shows known Chinese
terms; the same pages in English still read as before.

What is set aside, and why:
- only the `<main>` element is read: base.html's menu and footer are checked by the whole-site walk
  (tests/foundation/test_pages_in_chinese.py); the record forms' integrity parts, inside `<main>`, are checked here;
- on the lab import page, the words written IN the results file (FILE_WORDS; its column names are in <code>):
  the values "flow", "ngs", "yes", "no", "quantified", "detected", "not detected", "not evaluable", the file
  types .csv and .json and the encoding UTF-8 are what the file must hold, whatever the page's language.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.models import FlowMrd
from tests.assessments.lab_files import as_csv, flow_row
from tests.factories.api import bearer, make_token
from tests.factories.assessments import (
    BloodCountFactory,
    EmdFactory,
    FlowMrdFactory,
    FollowUpContactFactory,
    MarrowFactory,
    NgsMrdFactory,
    ResponseCallFactory,
)
from tests.factories.cycles import CycleFactory
from tests.i18n import chinese_client, data_strings, english_left
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db

# What the lab's results file holds, written as the file must hold it whatever the page's language: the words of
# its values, the file types and the encoding.
FILE_WORDS = {"flow", "ngs", "yes", "no", "quantified", "detected", "not", "evaluable", "csv", "json", "UTF-8"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def set_aside() -> list[str]:
    """The data (tests/i18n.py), longest first."""
    return data_strings()


def main_of(page: str) -> str:
    """The page's <main> element: the menu and footer of base.html left out."""
    found = re.search(r"<main\b.*?</main>", page, flags=re.S)
    assert found, "the page has a <main> element"
    return found.group(0)


@pytest.fixture
def assessed(participant, days_ago):
    """A participant with every kind of record: EOC1 complete (marrow, CBC, EMD, flow and NGS MRD, the
    investigator's call differing from the derived response), an unscheduled marrow, a follow-up contact; a second
    marrow without MRD or call (forms to add)."""
    CycleFactory(participant=participant)
    marrow = MarrowFactory(participant=participant, sample_date=days_ago(40), sample_id="BM-EOC1")
    cbc = BloodCountFactory(participant=participant, sample_date=days_ago(41), anc_e9_per_l=1.5,
                            platelets_e9_per_l=150)
    emd = EmdFactory(participant=participant, assessed_on=days_ago(41))
    flow = FlowMrdFactory(marrow=marrow, result_type="NOT_DETECTED", value_pct=None, lod_pct=0.005)
    ngs = NgsMrdFactory(marrow=marrow)
    call = ResponseCallFactory(marrow=marrow, response="NR")
    other = MarrowFactory(participant=participant, timepoint="UNSCHEDULED", sample_date=days_ago(20),
                          aspirate_adequacy="DRY_TAP", blasts_pct=None, sample_id="BM-U")
    contact = FollowUpContactFactory(participant=participant, contact_date=days_ago(5))
    return {"participant": participant, "marrow": marrow, "cbc": cbc, "emd": emd, "flow": flow, "ngs": ngs,
            "call": call, "other": other, "contact": contact}


def _pages(a) -> dict[str, str]:
    """name -> URL of every page of the area (GET)."""
    p, m, other = a["participant"], a["marrow"], a["other"]
    return {
        "status matrix": reverse("assessments:status-matrix"),
        "lab import": reverse("assessments:lab-import"),
        "participant assessments": reverse("assessments:participant-assessments", args=[p.pk]),
        "EOC1": reverse("assessments:eoc-detail", args=[p.pk, "EOC1"]),
        "EOC2 (no marrow)": reverse("assessments:eoc-detail", args=[p.pk, "EOC2"]),
        "marrow add": reverse("assessments:marrow-add", args=[p.pk]) + "?timepoint=EOC2",
        "cbc add": reverse("assessments:cbc-add", args=[p.pk]),
        "emd add": reverse("assessments:emd-add", args=[p.pk]),
        "follow-up add": reverse("assessments:followup-add", args=[p.pk]),
        "marrow edit": reverse("assessments:marrow-edit", args=[m.pk]),
        "cbc edit": reverse("assessments:cbc-edit", args=[a["cbc"].pk]),
        "emd edit": reverse("assessments:emd-edit", args=[a["emd"].pk]),
        "follow-up edit": reverse("assessments:followup-edit", args=[a["contact"].pk]),
        "flow add": reverse("assessments:flow-add", args=[other.pk]),
        "ngs add": reverse("assessments:ngs-add", args=[other.pk]),
        "call add": reverse("assessments:call-add", args=[other.pk]),
        "flow edit": reverse("assessments:flow-edit", args=[a["flow"].pk]),
        "ngs edit": reverse("assessments:ngs-edit", args=[a["ngs"].pk]),
        "call edit": reverse("assessments:call-edit", args=[a["call"].pk]),
    }


READ_ONLY = ("status matrix", "participant assessments", "EOC1", "EOC2 (no marrow)", "marrow edit", "cbc edit",
             "emd edit", "follow-up edit", "flow edit", "ngs edit", "call edit")


def _english_on(client: Client, urls: dict[str, str], names) -> dict[str, list[str]]:
    data = set_aside()
    hits = {}
    for name in names:
        response = client.get(urls[name])
        assert response.status_code == 200, (name, response.status_code)
        page = main_of(response.content.decode())
        left = [w for w in english_left(page, data) if not (name == "lab import" and w in FILE_WORDS)]
        if left:
            hits[name] = left
    return hits


def test_every_assessment_page_is_in_chinese_for_the_coordinator(assessed, coordinator):
    urls = _pages(assessed)
    hits = _english_on(chinese_client(coordinator), urls, urls)
    assert not hits, "English on Chinese pages:\n" + "\n".join(f"{k}: {v}" for k, v in hits.items())


def test_the_pages_read_only_roles_see_are_in_chinese(assessed, monitor, investigator, data_manager):
    urls = _pages(assessed)
    for user in (monitor, investigator, data_manager):
        hits = _english_on(chinese_client(user), urls, READ_ONLY)
        assert not hits, f"{user.username}: " + "\n".join(f"{k}: {v}" for k, v in hits.items())


def test_the_chinese_pages_carry_the_glossary_terms(assessed, coordinator):
    urls = _pages(assessed)
    client = chinese_client(coordinator)
    eoc = main_of(client.get(urls["EOC1"]).content.decode())
    assert "推导疗效" in eoc and "骨髓" in eoc and "血常规" in eoc and "髓外病变" in eoc
    assert "阴性" in eoc and "研究者判定" in eoc  # flow MRD class and the investigator's call
    assert 'data-testid="derived-response-EOC1">CR<' in eoc  # the response code stays Latin
    casebook = main_of(client.get(urls["participant assessments"]).content.decode())
    assert "生存随访" in casebook and "计划外" in casebook and "抽吸标本不合格" in casebook
    matrix = main_of(client.get(urls["status matrix"]).content.decode())
    assert "状态矩阵" in matrix and "第1周期末" in matrix
    form = main_of(client.get(urls["cbc add"]).content.decode())
    assert "血小板（×10⁹/L）" in form and "外周血原始细胞" in form
    lab = main_of(client.get(urls["lab import"]).content.decode())
    assert "导入实验室结果" in lab and "检查并导入" in lab


def test_enter_marrow_is_in_chinese_on_an_empty_casebook(participant, coordinator):
    page = chinese_client(coordinator).get(reverse("assessments:participant-assessments", args=[participant.pk]))
    main = main_of(page.content.decode())
    assert "录入骨髓" in main and "第1周期末" in main
    assert english_left(main, set_aside()) == []


def test_the_same_pages_in_english_read_as_before(assessed, coordinator):
    urls = _pages(assessed)
    client = force_verified_login(Client(), coordinator)
    expected = {
        "EOC1": ["End of cycle 1 assessment", "Derived response", "Investigator's call", "Blood count used",
                 "Extramedullary disease", "Flow: not detected", "NEG", "clone trackable", "Back to the casebook"],
        "EOC2 (no marrow)": ["No end of cycle 2 marrow recorded yet.", "Enter the marrow</a>."],
        "participant assessments": ["Survival follow-up", "Other marrows", "UNSCHEDULED", "inadequate",
                                    "Marrow EOC1: blasts 1 %, derived CR", "investigator NR", "All records"],
        "status matrix": ["Status matrix", "End of cycle 1", "1 participant", "Legend"],
        "lab import": ["Import lab results", "Check only (dry run): save nothing", "Check and import",
                       "the participant ID, e.g. 01-007"],
        "cbc add": ["Blood count", "Platelets (x10^9/L)", "Circulating blasts"],
        "follow-up add": ["Follow-up contact", "Contact date", "Vital status", "Relapse documented by"],
        "ngs add": ["NGS MRD", "Baseline clone trackable", "— choose —", "Derived from the data"],
    }
    for name, texts in expected.items():
        page = client.get(urls[name]).content.decode()
        assert not HAN.search(main_of(page)), name
        for text in texts:
            assert text in page, (name, text)


def test_the_lab_import_follows_the_user_on_the_page_and_answers_in_english_through_the_api(participant,
                                                                                              coordinator):
    marrow = MarrowFactory(participant=participant, sample_id="BM-0101")
    rows = as_csv([flow_row(marrow, result="positive"), flow_row(marrow, participant_id="02-001")])
    page = chinese_client(coordinator).post(
        reverse("assessments:lab-import"), {"results_file": SimpleUploadedFile("r.csv", rows), "file_format": "csv"}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "在2行中发现2个问题：未保存任何内容。" in html
    assert "未知的流式 MRD结果“positive”：请填写 quantified, not detected 或 not evaluable。" in html
    assert "您的中心无此受试者。" in html
    problems = re.search(r'<table[^>]*data-testid="lab-import-errors".*?</table>', html, flags=re.S).group(0)
    assert english_left(problems, set_aside()) == ["detected", "evaluable", "not", "positive", "quantified"]

    _token, key = make_token(coordinator)  # the profile chose Chinese (chinese_client above): the API stays English
    api = Client().post(reverse("api:lab-import"), rows, content_type="text/csv", headers=bearer(key))
    assert api.status_code == 400
    assert [e["message"] for e in api.json()["errors"]] == [
        "Unknown flow MRD result 'positive': write quantified, not detected or not evaluable.",
        "No such participant at your sites.",
    ]
    assert not FlowMrd.objects.exists()

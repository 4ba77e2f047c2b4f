"""The safety pages in Simplified Chinese: the participant's safety page (AE log, CRS/ICANS sheets, TLS,
laboratory grades, medications), an AE's page (a serious CRS event with its clock and follow-up, an ICANS event),
the SAE list, and every safety form (add and edit), as the roles that see them.

Only the `<main>` element of each page is read: while the other areas are being translated, the shared menu and
footer of base.html may still show English, so they are set aside here (the whole-site walk,
tests/foundation/test_pages_in_chinese.py, reads them). On the forms, the parts every clinical form gets from the
integrity area (the reason for change, the record's remove link, the site-time note and the decimal entry's
tooltip: integrity/forms.py, integrity/recording.py, templates/includes) are set aside the same way, and only
them. Everything else in Latin letters must be data, an abbreviation of the trade, a unit or a name
(tests/i18n.py). The same pages in English still read as before.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safety import models
from tests.factories.assessments import BloodCountFactory
from tests.factories.cycles import CycleFactory, SegmentFactory
from tests.factories.safety import (
    ChemistryPanelFactory,
    ConcomitantMedicationFactory,
    CrsAdverseEventFactory,
    CrsAssessmentFactory,
    IcansAssessmentFactory,
    SaeFollowUpReportFactory,
)
from tests.i18n import chinese_client, english_left
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db


def main_of(page: str) -> str:
    """The page's <main> element (the menu and footer of base.html set aside)."""
    found = re.search(r"<main\b.*?</main>", page, flags=re.S)
    assert found, "no <main> on the page"
    return found.group(0)


SHARED_FORM_PARTS = (
    r'<div id="div_id_change_reason(?:_detail)?".*?</div>\s*</div>',  # reason for change and its explanation
    r'<div[^>]*data-testid="record-integrity">.*?</div>',  # the saved record's remove link
    r'<span[^>]*data-testid="time-zone-[^"]*">.*?</span>',  # "Site time (UTC); stored in UTC."
    r'\btitle="A number, with a dot or a comma as decimal separator[^"]*"',  # the decimal entry's tooltip
)


def safety_part_of(page: str) -> str:
    """<main> without the parts every clinical form shares from the integrity area."""
    main = main_of(page)
    for part in SHARED_FORM_PARTS:
        main = re.sub(part, " ", main, flags=re.S)
    return main


@pytest.fixture
def safety_records(participant):
    """A treated participant with a serious CRS event (sheet, follow-up, medication), an overdue serious event
    without a report, an ICANS event, chemistry meeting a TLS criterion in cycle 2, and a blood count."""
    c1 = CycleFactory(participant=participant, number=1, day1_on=participant.enrolled_on + datetime.timedelta(days=2))
    start = datetime.datetime.combine(c1.day1_on, datetime.time(8), tzinfo=datetime.UTC)
    SegmentFactory(cycle=c1, started_at=start, stopped_at=start + datetime.timedelta(days=28))
    c2 = CycleFactory(participant=participant, number=2, day1_on=c1.day1_on + datetime.timedelta(days=42))
    crs_ae = CrsAdverseEventFactory(
        participant=participant,
        onset_date=c1.day1_on + datetime.timedelta(days=1),
        resolution_date=c1.day1_on + datetime.timedelta(days=4),
        worst_grade=2,
        serious=True,
        sae_hospitalisation=True,
        sae_initial_report_at=datetime.datetime.combine(
            c1.day1_on + datetime.timedelta(days=1), datetime.time(14), tzinfo=datetime.UTC
        ),
    )
    CrsAssessmentFactory(adverse_event=crs_ae, hypotension=True, vasopressors_excl_vasopressin=1, fever_masked=True)
    SaeFollowUpReportFactory(adverse_event=crs_ae)
    ConcomitantMedicationFactory(
        participant=participant, adverse_event=crs_ae, drug_name="tocilizumab", indication="",
        is_tocilizumab=True, is_tls_prophylaxis=False, dose=Decimal("8"), dose_unit=models.DoseUnit.MG_PER_KG,
        route=models.MedicationRoute.IV,
    )
    ConcomitantMedicationFactory(participant=participant, is_gcsf=True, stop_date=None, ongoing=True)
    icans = IcansAssessmentFactory(
        adverse_event__participant=participant,
        adverse_event__onset_date=c1.day1_on + datetime.timedelta(days=3),
        adverse_event__resolution_date=None,
        adverse_event__ongoing=True,
        adverse_event__outcome=models.Outcome.RECOVERING,
        consciousness="awakens_to_voice",
        seizure="rapidly_resolving",
    )
    overdue = CrsAdverseEventFactory(
        participant=participant,
        onset_date=timezone.localdate() - datetime.timedelta(days=3),
        resolution_date=None,
        ongoing=True,
        outcome=models.Outcome.NOT_RECOVERED,
        worst_grade=3,
        serious=True,
        sae_life_threatening=True,
    )
    ChemistryPanelFactory(participant=participant, sample_date=c2.day1_on, potassium_mmol_per_l=Decimal("6.4"),
                          uric_acid_umol_per_l=Decimal("520"), alt_u_per_l=Decimal("400"))
    BloodCountFactory(participant=participant, sample_date=c1.day1_on, anc_e9_per_l=0.4, platelets_e9_per_l=20)
    return {"crs_ae": crs_ae, "icans": icans, "overdue": overdue}


def _pages(participant, records) -> list[str]:
    crs_ae, icans, overdue = records["crs_ae"], records["icans"], records["overdue"]
    crs = crs_ae.crs_assessments.get()
    pages = [
        reverse("safety:participant-safety", args=[participant.pk]),
        reverse("safety:ae-detail", args=[crs_ae.pk]),
        reverse("safety:ae-detail", args=[icans.adverse_event.pk]),
        reverse("safety:ae-detail", args=[overdue.pk]),
        reverse("safety:sae-list"),
    ]
    pages += [reverse(f"safety:{kind}-add", args=[participant.pk]) for kind in ("ae", "chemistry", "conmed")]
    pages += [reverse(f"safety:{kind}-add", args=[crs_ae.pk]) for kind in ("crs", "saefollowup")]
    pages += [reverse("safety:icans-add", args=[icans.adverse_event.pk])]
    pages += [
        reverse("safety:ae-edit", args=[crs_ae.pk]),
        reverse("safety:crs-edit", args=[crs.pk]),
        reverse("safety:icans-edit", args=[icans.pk]),
        reverse("safety:saefollowup-edit", args=[crs_ae.follow_up_reports.get().pk]),
        reverse("safety:chemistry-edit", args=[participant.chemistry.get().pk]),
        reverse("safety:conmed-edit", args=[participant.concomitant_medications.first().pk]),
    ]
    return pages


def test_every_safety_page_is_in_chinese_for_a_coordinator(coordinator, participant, safety_records):
    client = chinese_client(coordinator)
    left = {}
    for url in _pages(participant, safety_records):
        response = client.get(url)
        assert response.status_code == 200, url
        found = english_left(safety_part_of(response.content.decode()))
        if found:
            left[url] = found
    assert not left, "English on the Chinese safety pages:\n" + "\n".join(f"{k}: {v}" for k, v in left.items())


@pytest.mark.parametrize("role", ["investigator", "monitor", "data_manager"])
def test_the_safety_pages_read_by_other_roles_are_in_chinese(request, role, participant, safety_records):
    client = chinese_client(request.getfixturevalue(role))
    urls = [
        reverse("safety:participant-safety", args=[participant.pk]),
        reverse("safety:ae-detail", args=[safety_records["crs_ae"].pk]),
    ]
    if role != "monitor":
        urls.append(reverse("safety:sae-list"))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_left(main_of(response.content.decode())) == [], url


def test_the_chinese_pages_carry_the_glossary_terms(coordinator, participant, safety_records):
    client = chinese_client(coordinator)
    safety = client.get(reverse("safety:participant-safety", args=[participant.pk])).content.decode()
    for words in ("不良事件", "合并用药", "第2周期", "研究者分级", "实验室肿瘤溶解综合征", "血常规", "托珠单抗"):
        assert words in safety, words
    ae = client.get(reverse("safety:ae-detail", args=[safety_records["crs_ae"].pk])).content.decode()
    for words in ("严重性", "导致住院或住院时间延长", "随访报告", "贝林妥欧单抗", "相关性", "低血压，1种升压药",
                  "已于"):
        assert words in ae, words
    overdue = client.get(reverse("safety:ae-detail", args=[safety_records["overdue"].pk])).content.decode()
    assert "已逾期" in overdue
    sae_list = client.get(reverse("safety:sae-list")).content.decode()
    assert "严重不良事件" in sae_list and "24小时内报告" in sae_list
    home = client.get(reverse("home")).content.decode()  # the SAE work list on the home page
    assert "待报告的严重 AE（24小时时限）" in home and "报告已逾期" in home
    form = client.get(reverse("safety:ae-edit", args=[safety_records["crs_ae"].pk])).content.decode()
    for words in ("2级", "导致死亡", "中心获知时间（UTC）", "痊愈/消退", "可能有关"):
        assert words in form, words


def test_the_same_pages_in_english_read_as_before(coordinator, participant, safety_records):
    client = force_verified_login(Client(), coordinator)
    safety = client.get(reverse("safety:participant-safety", args=[participant.pk])).content.decode()
    for words in ("Adverse events", "Concomitant medications", "Cycle 2", "Investigator grade", "Laboratory TLS",
                  "blood count", "Tocilizumab", "Laboratory values with CTCAE v5.0 grades"):
        assert words in safety, words
    ae = client.get(reverse("safety:ae-detail", args=[safety_records["crs_ae"].pk])).content.decode()
    for words in ("Seriousness", "Requires or prolongs hospitalisation", "Follow-up reports", "Blinatumomab",
                  "Relationship and action taken", "hypotension, 1 vasopressor", "reported "):
        assert words in ae, words
    overdue = client.get(reverse("safety:ae-detail", args=[safety_records["overdue"].pk])).content.decode()
    assert "overdue by" in overdue
    sae_list = client.get(reverse("safety:sae-list")).content.decode()
    assert "Serious adverse events" in sae_list and "within 24 hours" in sae_list
    form = client.get(reverse("safety:ae-edit", args=[safety_records["crs_ae"].pk])).content.decode()
    for words in ("Grade 2", "Results in death", "Site aware (UTC)", "Recovered / resolved", "Possible",
                  "Relationship to blinatumomab", "Action taken with blinatumomab"):
        assert words in form, words
    assert english_left(main_of(safety)) != []  # the check sees English when it is there


def test_every_label_of_the_ae_table_is_in_the_catalogue():
    """The AE table's labels are stored in English with the snapshot; the dashboard translates each one (gettext of
    the stored label), so each summary row's label is one of the markers of safety.calculations."""
    from django.utils import translation

    from safety import calculations

    rows = calculations.ae_table_from_summaries({"01-001": {"any": 3}}, 1)
    labels = [row.label for row in rows if row.kind == "summary"]
    assert labels and set(labels) <= set(calculations.AE_TABLE_LABELS)
    with translation.override("zh-hans"):
        shown = [translation.gettext(label) for label in labels]
    assert "与贝林妥欧单抗相关" in shown and "特别关注：细胞因子释放综合征" in shown
    assert not [label for label, zh in zip(labels, shown, strict=True) if label == zh]


def test_a_refused_entry_says_why_in_chinese(coordinator, participant, terms):
    from tests.safety.conftest import ae_data

    onset = participant.enrolled_on + datetime.timedelta(days=5)
    data = ae_data(terms["nausea"], onset, resolution_date=(onset - datetime.timedelta(days=1)).isoformat(),
                   worst_grade="4")
    response = chinese_client(coordinator).post(reverse("safety:ae-add", args=[participant.pk]), data)
    assert response.status_code == 400  # refused, nothing saved
    page = response.content.decode()
    assert "早于发生日期" in page and "不允许4级" in page
    assert english_left(safety_part_of(page)) == []

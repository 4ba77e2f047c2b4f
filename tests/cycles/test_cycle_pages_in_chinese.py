"""The treatment pages in Simplified Chinese (issue 21): every page of the cycles app, as the roles that see it, shows
no English word that is not data, a code or abbreviation of the trade, a unit or a name (tests/i18n.py).

While the other areas are not translated yet, the menu and the footer of templates/base.html may still show English:
only the content of the page's `<main>` element is checked. The record forms are integrity's shared template
(templates/includes/record_form.html: the reason for change, the decimal-entry hint, the read-only review, the audit
trail, the "Save" button), not yet translated: on those pages the heading and breadcrumb before the form are checked,
and every text of the form's own treatment fields (label, help text, choices). On the dose grid (this area's
template), integrity's parts inside it are cut out by their markup (SHARED_PARTS); the participant's status is
enrollment's label (OTHER_AREAS).

The same pages in English still read as before, and the rules' messages stay English strings (stored in English).
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from cycles import rules
from cycles.models import Administration, AdministrationStatus
from cycles.regimen import REGIMEN
from cycles.shown import shown
from cycles.text import DateRange
from tests.factories.cycles import SegmentFactory, TransplantFactory, start_cycle
from tests.i18n import chinese_client, data_strings, english_left
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db

# integrity's parts inside the dose grid: the reason-for-change select, the decimal-entry hint, the review banner.
SHARED_PARTS = (
    r"<select[^>]*change_reason\".*?</select>",
    r'title="A number, with a dot[^"]*"',
    r'<div[^>]*data-testid="review-banner">.*?</div>',
    r'<span[^>]*data-testid="time-zone-[^"]*">.*?</span>',  # "Site time (zone); stored in UTC."
)
INTEGRITY_FIELDS = {"change_reason", "change_reason_detail", "submission_token", "row_version"}
OTHER_AREAS = {"Enrolled"}  # the participant's status, enrollment's choice label


def main_of(page: str) -> str:
    """The page's <main> element: base.html's menu and footer (other areas) set aside."""
    found = re.search(r"<main\b.*?</main>", page, flags=re.S)
    assert found, "no <main> on the page"
    main = found.group(0)
    for pattern in SHARED_PARTS:
        main = re.sub(pattern, " ", main, flags=re.S)
    return main


def record_form_texts(response) -> str:
    """A record form page's own words: the breadcrumb and heading, and the treatment fields' texts."""
    main = main_of(response.content.decode())
    texts = [main.split('<div class="row">')[0]]
    for name, field in response.context["form"].fields.items():
        if name in INTEGRITY_FIELDS:
            continue
        texts += [str(field.label or ""), str(field.help_text or "")]
        texts += [str(label) for _, label in getattr(field, "choices", ())]
    page = "<p>" + "</p><p>".join(texts) + "</p>"
    for pattern in SHARED_PARTS:
        page = re.sub(pattern, " ", page, flags=re.S)
    return page


@pytest.fixture
def treated(participant, today, coordinator):
    """Cycle 1 started 30 days ago (cycle 2 now due), doses recorded, a blinatumomab infusion with an interruption,
    a visit recorded outside its window, one missed, and a transplant."""
    cycle = start_cycle(participant, today - datetime.timedelta(days=30), coordinator)
    day1 = list(Administration.objects.filter(cycle=cycle, cycle_day=1).order_by("drug_code"))
    first, second = day1[0], day1[1]
    first.status, first.given_on = AdministrationStatus.GIVEN, cycle.day1_on
    first.actual_dose_mg = first.planned_dose_mg
    first.save()
    second.status, second.given_on = AdministrationStatus.REDUCED, cycle.day1_on
    second.actual_dose_mg, second.reason = second.planned_dose_mg / 2, "neutropenia"
    second.save()
    start = timezone.make_aware(datetime.datetime.combine(cycle.day1_on, datetime.time(8)))
    SegmentFactory(cycle=cycle, started_at=start, stopped_at=start + datetime.timedelta(days=6),
                   rate_mcg_per_day=Decimal("9"))
    SegmentFactory(cycle=cycle, started_at=start + datetime.timedelta(days=7),
                   stopped_at=start + datetime.timedelta(days=8), rate_mcg_per_day=Decimal("28"),
                   stop_reason="adverse_event", stop_reason_detail="CRS")
    from cycles import services

    services.record_visit(cycle=cycle, visit_code="D8", user=coordinator,
                          visited_on=cycle.day1_on + datetime.timedelta(days=11))
    services.record_visit(cycle=cycle, visit_code="D15", user=coordinator, missed_reason="hospitalised")
    TransplantFactory(participant=participant, transplanted_on=today - datetime.timedelta(days=1))
    return cycle


def pages(cycle) -> dict[str, str]:
    adm = cycle.administrations.order_by("drug_code", "cycle_day").first()
    planned = cycle.administrations.filter(status=AdministrationStatus.PLANNED).first()
    seg = cycle.segments.first()
    tx = cycle.participant.transplants.first()
    return {
        "due": reverse("cycles:due-visits"),
        "due all": reverse("cycles:due-visits") + "?show=all",
        "calendar": reverse("cycles:participant-calendar", args=[cycle.participant_id]),
        "cycle": reverse("cycles:cycle-detail", args=[cycle.pk]),
        "dose grid": reverse("cycles:dose-grid", args=[cycle.pk, 1]),
        "start": reverse("cycles:cycle-start", args=[cycle.participant_id]),
        "cycle edit": reverse("cycles:cycle-edit", args=[cycle.pk]),
        "dose recorded": reverse("cycles:administration-record", args=[adm.pk]),
        "dose planned": reverse("cycles:administration-record", args=[planned.pk]),
        "segment add": reverse("cycles:segment-add", args=[cycle.pk]),
        "segment edit": reverse("cycles:segment-edit", args=[seg.pk]),
        "transplant add": reverse("cycles:transplant-add", args=[cycle.participant_id]),
        "transplant edit": reverse("cycles:transplant-edit", args=[tx.pk]),
        "visit": reverse("cycles:visit-record", args=[cycle.pk, "D8"]),
    }


FORM_PAGES = {"start", "cycle edit", "dose recorded", "dose planned", "segment add", "segment edit",
              "transplant add", "transplant edit", "visit"}
READ_PAGES = {"due", "due all", "calendar", "cycle", "dose grid", "cycle edit", "dose recorded", "segment edit",
              "transplant edit", "visit"}  # what a monitor opens (the forms read-only)


def _english_on(client, urls: dict[str, str], names) -> dict[str, list[str]]:
    data = data_strings()
    left = {}
    for name in sorted(names):
        response = client.get(urls[name])
        assert response.status_code == 200, (name, response.status_code)
        page = record_form_texts(response) if name in FORM_PAGES else main_of(response.content.decode())
        words = [w for w in english_left(page, data) if w not in OTHER_AREAS]
        if words:
            left[name] = words
    return left


def test_every_treatment_page_is_in_chinese_for_the_coordinator(treated, coordinator):
    client = chinese_client(coordinator)
    urls = pages(treated)
    left = _english_on(client, urls, urls)
    assert not left, "\n".join(f"{k}: {v}" for k, v in left.items())
    cycle_page = client.get(urls["cycle"]).content.decode()
    assert "给药：计划与实际" in cycle_page and "贝林妥欧单抗持续输注" in cycle_page
    assert "访视日历" in cycle_page and "方案偏离" in cycle_page  # the D8 visit outside its window
    calendar = client.get(urls["calendar"]).content.decode()
    assert "治疗与访视日历" in calendar and "未进行：hospitalised" in calendar
    assert "第2周期" in calendar  # the next cycle's prompt
    assert "到期和逾期的访视" in client.get(urls["due"]).content.decode()
    assert "保存当天剂量" in client.get(urls["dose grid"]).content.decode()


def test_the_monitor_reads_the_treatment_pages_in_chinese(treated, monitor):
    urls = pages(treated)
    left = _english_on(chinese_client(monitor), urls, READ_PAGES)
    assert not left, "\n".join(f"{k}: {v}" for k, v in left.items())


def test_the_same_pages_still_read_in_english(treated, coordinator):
    client = force_verified_login(Client(), coordinator)
    urls = pages(treated)
    cycle_page = client.get(urls["cycle"]).content.decode()
    for text in ("Administrations: plan vs actual", "Blinatumomab continuous infusion", "Visit calendar",
                 "protocol deviation", "Record day 1 doses", "Vindesine"):
        assert text in cycle_page, text
    calendar = client.get(urls["calendar"]).content.decode()
    assert "treatment and visit calendar" in calendar and "Missed: hospitalised" in calendar
    assert "Cycle 2 due" in calendar
    assert "Due and overdue visits" in client.get(urls["due"]).content.decode()
    assert "Save the day's doses" in client.get(urls["dose grid"]).content.decode()


def test_rule_messages_stay_english_strings_and_show_in_chinese():
    spec = REGIMEN.cycle(1).visits[1]
    message = rules.visit_window_problem(1, spec, datetime.date(2026, 3, 2), datetime.date(2026, 3, 12))
    english = ("Cycle 1 Day 8 (step-up) visit on 12 Mar 2026 is outside its window (8–10 Mar 2026), 2 days late: "
               "protocol deviation.")
    with translation.override("zh-hans"):
        assert message == english  # what an automatic query stores, whatever the request's language
        assert shown(message) == (
            "第1周期第8天（剂量递增）访视于2026年3月12日进行，不在窗口期（2026年3月8日–10日）内，延后2天：方案偏离。"
        )
        assert shown(DateRange(datetime.date(2026, 11, 27), datetime.date(2026, 12, 3))) == "2026年11月27日–12月3日"
    assert shown(message) == english


def test_the_casebook_section_and_the_home_work_lists_in_chinese(treated, coordinator, rf):
    from django.template.loader import render_to_string

    from cycles import casebook, worklists

    request = rf.get("/")
    request.user = coordinator
    data = data_strings()
    with translation.override("zh-hans"):
        section = casebook.section(treated.participant, coordinator)
        page = render_to_string(section.template, section.context, request=request)
        texts = [section.title, *(e.label for e in section.timeline), *(e.flag or "" for e in section.timeline),
                 *(d.label for d in section.due)]
        for worklist in (worklists.visits_due(coordinator), worklists.cycles_due(coordinator)):
            texts += [worklist.title, worklist.empty, worklist.hint or ""]
            texts += [t for item in worklist.items for t in (item.label, item.note)]
    assert english_left(page, data) == []
    assert english_left("<p>" + "</p><p>".join(texts) + "</p>", data) == []
    assert "方案偏离：访视记录在窗口期外。" in page and "治疗周期" in texts


def test_an_automatic_query_raised_during_a_chinese_request_is_stored_in_english(treated):
    from cycles import checks
    from cycles.models import VisitRecord

    visit = VisitRecord.objects.get(cycle=treated, visit_code="D8")
    with translation.override("zh-hans"):
        problem = checks.visit_outside_window(visit, {"participant": treated.participant})
        assert str(problem).startswith("Cycle 1 Day 8 (step-up) visit on ") and "年" not in problem
        assert shown(problem).startswith("第1周期第8天（剂量递增）访视于")

"""Dates are shown one way everywhere (issue 17): 29 Nov 2026, and date-times as 29 Nov 2026 14:05 followed by
their zone, in templates and in the messages the code writes; machine formats stay ISO 8601."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse

from blinatrial import access
from blinatrial.dates import shown_date, shown_datetime, shown_utc
from enrollment import rules
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory, SiteFactory, UserFactory
from tests.login import force_verified_login

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def test_a_date_reads_day_month_year_in_python_and_in_templates_alike():
    assert shown_date(datetime.date(2026, 11, 29)) == "29 Nov 2026"
    assert shown_date(datetime.date(2027, 1, 3)) == "3 Jan 2027"
    assert shown_date(None) == ""
    for month, name in enumerate(MONTHS, 1):
        day = datetime.date(2026, month, 9)
        assert Template("{{ d|date }}").render(Context({"d": day})) == f"9 {name} 2026"
        assert shown_date(day) == f"9 {name} 2026"


def test_a_date_time_reads_with_its_zone():
    moment = datetime.datetime(2026, 11, 29, 6, 5, tzinfo=datetime.UTC)
    assert shown_utc(moment) == "29 Nov 2026 06:05 UTC"
    assert shown_datetime(datetime.datetime(2026, 11, 29, 14, 5), "Asia/Shanghai") == "29 Nov 2026 14:05 Asia/Shanghai"
    assert Template('{{ t|when:"UTC" }}').render(Context({"t": moment})) == "29 Nov 2026 06:05 UTC"
    assert Template("{{ t|when }}").render(Context({"t": None})) == ""


def test_a_rule_message_names_dates_as_people_read_them():
    problem = rules.date_before_consent_problem(datetime.date(2026, 11, 28), datetime.date(2026, 11, 29), "The date")
    assert problem == "The date (28 Nov 2026) is before the date of consent (29 Nov 2026)."


def test_no_template_shows_an_iso_date_or_time_to_a_person():
    # double quotes: shown text; machine values (input value=, URLs) use single quotes and stay ISO
    shown_iso = re.compile(r'\|date:"Y-m-d|\|date:"[^"]*[HPT]')
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if shown_iso.search(line)
    ]
    assert offenders == []


@pytest.mark.django_db
def test_the_participant_list_and_casebook_show_the_enrollment_date_as_29_nov_2026(client):
    site = SiteFactory(code="41")
    screening = ScreeningFactory(site=site, status="enrolled", screened_on=datetime.date(2026, 11, 25))
    participant = ParticipantFactory(screening=screening, enrolled_on=datetime.date(2026, 11, 29))
    force_verified_login(client, UserFactory(username="coord_41", role=access.COORDINATOR, sites=[site]))

    listed = client.get(reverse("enrollment:participant-list")).content.decode()
    casebook = client.get(reverse("enrollment:participant-detail", args=[participant.pk])).content.decode()

    assert "<td>29 Nov 2026</td>" in listed
    assert "2026-11-29" not in listed
    assert '<div class="fs-5">29 Nov 2026</div>' in casebook

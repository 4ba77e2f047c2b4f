"""Dates in the user's language: 2026年11月29日 and 2026年11月29日 14:05 in Simplified Chinese, from Python
(blinatrial.dates, the rules' messages) and from templates (the `date` and `when` filters) alike; English stays
29 Nov 2026; input and machine formats stay ISO in both."""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from blinatrial.dates import shown_date, shown_datetime, shown_utc

DAY = datetime.date(2026, 11, 29)
MOMENT = datetime.datetime(2026, 11, 29, 6, 5, tzinfo=datetime.UTC)


def test_a_date_reads_year_month_day_in_chinese_in_python_and_in_templates():
    with translation.override("zh-hans"):
        assert shown_date(DAY) == "2026年11月29日"
        assert shown_date(datetime.date(2027, 1, 3)) == "2027年1月3日"
        assert Template("{{ d|date }}").render(Context({"d": DAY})) == "2026年11月29日"
        assert shown_utc(MOMENT) == "2026年11月29日 06:05 UTC"
        assert Template('{{ t|when:"UTC" }}').render(Context({"t": MOMENT})) == "2026年11月29日 06:05 UTC"
        assert shown_datetime(datetime.datetime(2026, 11, 29, 14, 5), "Asia/Shanghai") == (
            "2026年11月29日 14:05 Asia/Shanghai"
        )


def test_english_is_unchanged_after_a_chinese_request():
    with translation.override("zh-hans"):
        shown_date(DAY)
    with translation.override("en-gb"):
        assert shown_date(DAY) == "29 Nov 2026"
        assert Template("{{ d|date }}").render(Context({"d": DAY})) == "29 Nov 2026"


@pytest.mark.parametrize("language", ["en-gb", "zh-hans"])
def test_dates_and_numbers_are_entered_the_same_in_both_languages(language):
    class Entry(forms.Form):
        day = forms.DateField()
        blasts = forms.DecimalField(decimal_places=1, max_digits=4)

    with translation.override(language):
        form = Entry({"day": "2026-11-29", "blasts": "2.5"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == DAY and str(form.cleaned_data["blasts"]) == "2.5"
        assert not Entry({"day": "2026-11-29", "blasts": "2,5"}).is_valid()

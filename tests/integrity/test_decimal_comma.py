"""One decimal rule for every clinical form: "1,2" is 1.2 (never 12), ambiguous input is refused next to the
field and nothing is saved; every decimal field is a text box with a decimal keyboard, never type="number"."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from assessments.models import BloodCount, NgsMrd
from integrity.forms import ClinicalDecimalField, ClinicalFloatField, ClinicalRecordForm
from integrity.rules import (
    AMBIGUOUS_DECIMAL,
    AMBIGUOUS_THOUSANDS,
    NOT_A_NUMBER,
    DecimalEntryError,
    normalise_decimal_text,
)
from tests.factories.assessments import MarrowFactory

TODAY = datetime.date.today()
CBC = {"sample_date": (TODAY - datetime.timedelta(days=40)).isoformat(), "anc_e9_per_l": "1.5",
       "platelets_e9_per_l": "150", "hb_g_per_l": "100", "wbc_e9_per_l": "4", "circulating_blasts": "ABSENT"}


@pytest.mark.parametrize(
    ("typed", "read"),
    [("1,2", "1.2"), ("1.2", "1.2"), (" 0,125 ", "0.125"), ("-0,5", "-0.5"), (",5", "0.5"), ("12", "12"),
     ("1e-6", "1e-6"), ("1,5E-4", "1.5E-4"), ("1234,5", "1234.5"), ("0,000001", "0.000001")],
)
def test_decimal_text_read_with_dot_or_comma(typed, read):
    assert normalise_decimal_text(typed) == read


@pytest.mark.parametrize(
    ("typed", "message"),
    [("1,234.5", AMBIGUOUS_DECIMAL), ("1.234,5", AMBIGUOUS_DECIMAL), ("1.234.567", AMBIGUOUS_DECIMAL),
     ("1 234", AMBIGUOUS_DECIMAL), ("1\u00a0234", AMBIGUOUS_DECIMAL), ("1'234", AMBIGUOUS_DECIMAL),
     ("1,234", AMBIGUOUS_THOUSANDS), ("12,500", AMBIGUOUS_THOUSANDS)],
)
def test_ambiguous_decimal_text_refused(typed, message):
    with pytest.raises(DecimalEntryError) as refused:
        normalise_decimal_text(typed)
    assert str(refused.value) == message


@pytest.mark.parametrize("typed", ["abc", "four hundred", "1,2x", ",", "-", "1e", "1e--5", "1,2,", "1'2"])
def test_text_that_is_no_number_refused(typed):
    with pytest.raises(DecimalEntryError):
        normalise_decimal_text(typed)


def test_words_are_refused_as_no_number():
    with pytest.raises(DecimalEntryError) as refused:
        normalise_decimal_text("four hundred")
    assert str(refused.value) == NOT_A_NUMBER


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_decimal_field_of_every_clinical_form_follows_the_rule():
    checked = 0
    for form_class in _all_subclasses(ClinicalRecordForm):
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DecimalField | forms.FloatField):
                assert type(field) in (ClinicalDecimalField, ClinicalFloatField), (form_class, name)
                assert field.widget.input_type == "text", (form_class, name)
                assert field.widget.attrs["inputmode"] == "decimal", (form_class, name)
                checked += 1
    assert checked >= 20  # marrow, counts, MRD, screening labs, doses, infusion rates, safety labs...


@pytest.mark.django_db
def test_blood_count_with_decimal_comma_stored_as_decimal(coordinator_client, participant):
    response = coordinator_client.get(reverse("assessments:cbc-add", args=[participant.pk]))
    html = response.content.decode()
    assert re.search(r'<input type="text" name="anc_e9_per_l"[^>]*inputmode="decimal"', html)
    assert 'type="number"' not in html

    response = coordinator_client.post(
        reverse("assessments:cbc-add", args=[participant.pk]), {**CBC, "anc_e9_per_l": "1,2", "hb_g_per_l": "98,5"}
    )
    assert response.status_code == 302, response.context["form"].errors
    stored = BloodCount.objects.get()
    assert stored.anc_e9_per_l == Decimal("1.2")
    assert stored.hb_g_per_l == Decimal("98.5")


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "message"), [("1,234.5", AMBIGUOUS_DECIMAL), ("1,234", AMBIGUOUS_THOUSANDS)])
def test_ambiguous_blood_count_refused_next_to_field_and_nothing_saved(
    coordinator_client, participant, typed, message
):
    response = coordinator_client.post(
        reverse("assessments:cbc-add", args=[participant.pk]), {**CBC, "platelets_e9_per_l": typed}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["platelets_e9_per_l"] == [message]
    html = response.content.decode()
    # crispy prints the message right under the field (its id names the field)
    block = re.search(r'id="error_1_id_platelets_e9_per_l"[^>]*>(.*?)</', html, re.S)
    assert block and "thousands separator" in block.group(1)
    assert f'value="{typed}"' in html  # what was typed is shown back, for correction
    assert BloodCount.objects.count() == 0


@pytest.mark.django_db
def test_mrd_fraction_with_decimal_comma_and_exponent_stored(coordinator_client, participant):
    marrow = MarrowFactory(participant=participant, timepoint="UNSCHEDULED",
                           sample_date=TODAY - datetime.timedelta(days=40))
    response = coordinator_client.post(
        reverse("assessments:ngs-add", args=[marrow.pk]),
        {"clone_trackable": "True", "result": "DETECTED", "value_fraction": "2,5e-5", "lod_fraction": "1e-6"},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert NgsMrd.objects.get().value_fraction == pytest.approx(2.5e-5, rel=0, abs=1e-15)

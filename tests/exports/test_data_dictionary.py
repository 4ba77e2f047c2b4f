"""The data dictionary describes every column of every CSV, and the form registry follows the models."""

import csv
import io

import pytest
from django.core.exceptions import ImproperlyConfigured

from enrollment.models import Consent
from exports.datasets import FormFile, clinical_models, file_name_for, form_files
from integrity.cells import TYPE_DESCRIPTIONS
from tests.exports.conftest import build, open_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(trial, data_manager):
    return open_zip(build(data_manager))


def read(archive, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))


def test_each_csv_header_is_described_column_by_column(archive):
    dictionary = read(archive, "data_dictionary.csv")
    for name in archive.namelist():
        if not name.endswith(".csv"):
            continue
        header = next(csv.reader(io.StringIO(archive.read(name).decode("utf-8"))))
        assert header == [row["column"] for row in dictionary if row["file"] == name], name
    assert {row["type"] for row in dictionary} <= set(TYPE_DESCRIPTIONS)
    assert all(row["label"] for row in dictionary)


def test_codes_in_the_files_are_the_documented_ones(archive):
    dictionary = read(archive, "data_dictionary.csv")
    for entry in dictionary:
        if entry["type"] != "code" or not entry["allowed_values"] or entry["file"] == "data_dictionary.csv":
            continue
        allowed = {part.split("=")[0].strip() for part in entry["allowed_values"].split(";")}
        cells = {row[entry["column"]] for row in read(archive, entry["file"])} - {""}
        assert cells <= allowed, (entry["file"], entry["column"], cells - allowed)


def test_units_and_ranges_come_from_the_models(archive):
    entries = {(row["file"], row["column"]): row for row in read(archive, "data_dictionary.csv")}
    height = entries[("participants.csv", "height_cm")]
    assert (height["type"], height["unit"], height["minimum"], height["maximum"]) == ("decimal", "cm", "100", "250")
    assert entries[("participants.csv", "weight_kg")]["unit"] == "kg"
    sex = entries[("screening_records.csv", "sex")]
    assert (sex["type"], sex["allowed_values"]) == ("code", "F=Female; M=Male")
    assert entries[("adtte.csv", "AVAL")]["unit"] == "days"
    assert entries[("consents.csv", "screening_record_id")]["note"] == "record_id in screening_records.csv"


def test_every_clinical_model_has_its_file_named_from_its_metadata(monkeypatch):
    names = [f.file_name for f in form_files()]
    assert names == [file_name_for(m) for m in clinical_models()]
    assert len(names) == len(set(names))
    monkeypatch.setattr(Consent, "export_name", "consent_forms", raising=False)
    assert file_name_for(Consent) == "consent_forms.csv"


def test_two_models_with_one_file_name_are_a_configuration_error(monkeypatch):
    monkeypatch.setattr(Consent, "export_name", "participants", raising=False)
    with pytest.raises(ImproperlyConfigured, match="participants.csv"):
        form_files()


@pytest.mark.parametrize("model", clinical_models(), ids=lambda m: m._meta.label)
def test_each_form_file_is_keyed_by_record_site_and_participant(model):
    keys = [c.name for c in FormFile(model).key_columns]
    assert keys[0] == "record_id"
    assert "site" in keys, "every clinical model declares site_lookup"
    if getattr(model, "participant_lookup", None) or model._meta.label == "enrollment.Participant":
        assert "participant_id" in keys
    if any(f.name == "cycle" for f in model._meta.get_fields()):
        assert "cycle" in keys
    if any(f.name == "timepoint" for f in model._meta.concrete_fields):
        assert "timepoint" in keys


def test_the_dictionary_has_the_chinese_labels_next_to_the_english(archive):
    from django.utils import translation

    from exports.services import chinese_label

    dictionary = read(archive, "data_dictionary.csv")
    assert list(dictionary[0])[:4] == ["file", "column", "label", "label_zh"]
    assert all(row["label_zh"] for row in dictionary)
    entries = {(row["file"], row["column"]): row for row in dictionary}
    participant = entries[("participants.csv", "participant_id")]
    assert (participant["label"], participant["label_zh"]) == ("Participant ID", "受试者编号")
    assert entries[("audit_trail.csv", "reason")]["label_zh"] == "所录入的修改原因"
    assert entries[("data_dictionary.csv", "label_zh")]["label_zh"].startswith("该列的内容")
    # a form field's label: the interface's translation of its verbose name (the English where none exists yet)
    height = entries[("participants.csv", "height_cm")]
    with translation.override("zh-hans"):
        from enrollment.models import Participant

        interface = str(Participant._meta.get_field("height_cm").verbose_name)
    assert height["label_zh"] in (interface, chinese_label(height["label"]))


def test_every_code_is_listed_with_both_labels(archive):
    from django.utils import translation

    from enrollment.models import ScreeningRecord

    codes = read(archive, "data_dictionary_codes.csv")
    assert list(codes[0]) == ["file", "column", "value", "label_en", "label_zh"]
    coded = {
        (row["file"], row["column"]): row["allowed_values"]
        for row in read(archive, "data_dictionary.csv")
        if row["type"] == "code" and row["allowed_values"]
    }
    assert {(row["file"], row["column"]) for row in codes} == set(coded)
    for form in form_files():  # the form files: every code of the field's choices, in order
        for column in form.columns:
            if (form.file_name, column.name) not in coded:
                continue
            field = form.model._meta.get_field(column.lookup)
            expected = [str(code) for code, _label in field.flatchoices if code not in ("", None)]
            listed = [row["value"] for row in codes if (row["file"], row["column"]) == (form.file_name, column.name)]
            assert listed == expected, (form.file_name, column.name)
    sex = {row["value"]: row for row in codes if (row["file"], row["column"]) == ("screening_records.csv", "sex")}
    assert [(v, r["label_en"]) for v, r in sex.items()] == [("F", "Female"), ("M", "Male")]
    with translation.override("zh-hans"):
        female = str(dict(ScreeningRecord._meta.get_field("sex").flatchoices)["F"])
    assert sex["F"]["label_zh"] == female
    assert all(row["label_zh"] for row in codes)

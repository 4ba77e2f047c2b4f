"""Codes stored outside choice fields are shown in the reader's words: the screening criteria's met / not met
mapping, a status change's statuses and reasons, and records' titles. The stored values stay codes and English.
Expected words are the catalogue's translations of the protocol's texts, read from the .po by hand."""

import pytest
from django.utils import translation

from integrity.labels import record_title
from integrity.words import field_words, words
from tests.factories.assessments import ResponseCallFactory

CRITERIA = "enrollment.ScreeningRecord.criteria"


def test_criteria_mapping_names_each_criterion_in_english():
    with translation.override("en-gb"):
        shown = field_words(CRITERIA, {"INC_AGE": "met", "EXC_INFECTION": "not_met"})
    assert shown == "Age within the protocol range: met; Uncontrolled infection: not met"


def test_criteria_mapping_in_chinese():
    with translation.override("zh-hans"):
        shown = field_words(CRITERIA, {"INC_AGE": "met", "EXC_INFECTION": "not_assessed"})
    assert shown == "年龄在方案规定范围内：符合；未控制的感染：未评估"


def test_status_change_codes_in_words():
    with translation.override("zh-hans"):
        assert field_words("enrollment.StatusChange.to_status", "on_treatment") == "治疗中"
        assert field_words("enrollment.StatusChange.reason", "death") == "死亡"
        assert field_words("enrollment.StatusChange.reason", "First dose (C1D1)") == "首次剂量（C1D1）"
    with translation.override("en-gb"):
        assert field_words("enrollment.StatusChange.to_status", "on_treatment") == "On treatment"


def test_a_field_without_registered_words_falls_back_to_the_code_spelled_out():
    assert field_words("enrollment.StatusChange.reason", "Patient moved away") == "Patient moved away"
    assert field_words("assessments.FlowMrd.comment", "NOT_DETECTED") == words("NOT_DETECTED") == "not detected"


def test_code_words_follow_the_language():
    with translation.override("zh-hans"):
        assert words("NE_INSUFFICIENT_SENSITIVITY") == "不可评估：灵敏度不足"
    with translation.override("en-gb"):
        assert words("NE_INSUFFICIENT_SENSITIVITY") == "not evaluable: insufficient sensitivity"


@pytest.mark.django_db
def test_record_title_in_the_readers_language():
    call = ResponseCallFactory(response="CRh")
    marrow = call.marrow
    pid, day = marrow.participant.participant_id, marrow.sample_date.isoformat()
    with translation.override("en-gb"):
        assert record_title(call) == f"CRh at {pid} marrow EOC1 {day}" == str(call)
    with translation.override("zh-hans"):
        assert record_title(call) == f"{pid} EOC1 骨髓 {day}：CRh"
    assert record_title(marrow.participant) == pid  # no English in its __str__: shown as it is

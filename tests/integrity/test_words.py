"""Stored codes in words for pages; free text, numbers and the trial's short codes unchanged."""

import pytest

from integrity.words import mapping_words, words


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("NE_INSUFFICIENT_SENSITIVITY", "not evaluable: insufficient sensitivity"),
        ("GE_1E-4", "≥ 10⁻⁴"),
        ("1E-6_TO_LT_1E-4", "10⁻⁶ to < 10⁻⁴"),
        ("NOT_DETECTED", "not detected"),
        ("on_treatment", "on treatment"),
        ("x10^9/L", "×10⁹/L"),
        ("CR", "CR"),
        ("EOC1", "EOC1"),
        ("01-003", "01-003"),
        ("Patient said NOT_DETECTED earlier", "Patient said NOT_DETECTED earlier"),  # free text is not a code
        (3, 3),
        (None, None),
    ],
)
def test_words(value, shown):
    assert words(value) == shown


def test_mapping_words_names_each_key_and_value():
    assert mapping_words({"INC_AGE": "met", "EXC_CNS3": "not_met"}, {"INC_AGE": "Age 18 or over"}) == (
        "Age 18 or over: met; exc cns3: not met"
    )

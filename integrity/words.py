"""Stored codes in words, for pages: people see words, never internal codes (pure, no Django).

`words(value)` turns a value that is a whole code (NE_INSUFFICIENT_SENSITIVITY, GE_1E-4, on_treatment) into
words; anything else (free text, numbers, short codes such as CR that are the trial's own vocabulary) is
returned unchanged. Choice fields should show their labels (`get_FOO_display`); this is the fallback for
codes that come from rules and derived values rather than from a field's choices.
"""

import re

# Codes whose words are not just the code spelled out (DOMAIN 3.3 for the MRD classes and NGS bands).
CODE_WORDS = {
    "NE_INSUFFICIENT_SENSITIVITY": "not evaluable: insufficient sensitivity",
    "LT_1E-6": "< 10⁻⁶",
    "1E-6_TO_LT_1E-4": "10⁻⁶ to < 10⁻⁴",
    "GE_1E-4": "≥ 10⁻⁴",
    "NON_RESPONDER": "non-responder",
    "CTCAE_5.0": "CTCAE v5.0",
    "ASTCT_2019": "ASTCT 2019 consensus",
    "NOT_APPLICABLE": "not applicable",
    "x10^9/L": "×10⁹/L",
    "umol/L": "µmol/L",
}
CODE = re.compile(r"[A-Z0-9][A-Z0-9.\-]*(?:_[A-Z0-9.\-]+)+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+")


def words(value: object) -> object:
    if not isinstance(value, str):
        return value
    if value in CODE_WORDS:
        return CODE_WORDS[value]
    if CODE.fullmatch(value):
        return value.replace("_", " ").lower()
    return value


def mapping_words(value: dict, names: dict[str, str] | None = None) -> str:
    """A stored mapping (e.g. criteria: met / not met) as "name: value; ..." in words."""
    names = names or {}
    return "; ".join(f"{names.get(k, words(k))}: {words(v)}" for k, v in value.items())

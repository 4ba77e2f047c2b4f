"""Stored codes in words, for pages: people see words, never internal codes (pure, no Django).

`words(value)` turns a value that is a whole code (NE_INSUFFICIENT_SENSITIVITY, GE_1E-4, on_treatment) into
words; anything else (free text, numbers, short codes such as CR that are the trial's own vocabulary) is
returned unchanged. Choice fields should show their labels (`get_FOO_display`); this is the fallback for
codes that come from rules and derived values rather than from a field's choices.
"""

import re
from collections.abc import Mapping

from blinatrial.wording import gettext, gettext_noop, pgettext

# Codes whose words are not just the code spelled out (DOMAIN 3.3 for the MRD classes and NGS bands); English
# msgids, said in the reader's language when shown.
CODE_WORDS = {
    "NE_INSUFFICIENT_SENSITIVITY": gettext_noop("not evaluable: insufficient sensitivity"),
    "LT_1E-6": "< 10⁻⁶",
    "1E-6_TO_LT_1E-4": gettext_noop("10⁻⁶ to < 10⁻⁴"),
    "GE_1E-4": "≥ 10⁻⁴",
    "NON_RESPONDER": gettext_noop("non-responder"),
    "CTCAE_5.0": gettext_noop("CTCAE v5.0"),
    "ASTCT_2019": gettext_noop("ASTCT 2019 consensus"),
    "NOT_APPLICABLE": gettext_noop("not applicable"),
    "x10^9/L": "×10⁹/L",
    "umol/L": "µmol/L",
}
CODE = re.compile(r"[A-Z0-9][A-Z0-9.\-]*(?:_[A-Z0-9.\-]+)+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+")

# Per stored field ("app.Model.field"): the words of its codes, and of a mapping's keys, registered by the app
# that owns the field (integrity is below the apps whose codes these are). Values are lazy labels or msgids.
_FIELD_VALUES: dict[str, Mapping[str, object]] = {}
_FIELD_NAMES: dict[str, Mapping[str, object]] = {}


def _say(text: object) -> str:
    """A msgid in the reader's language; a lazy label (a choice's) as it reads now."""
    return gettext(text) if isinstance(text, str) else str(text)


def words(value: object) -> object:
    if not isinstance(value, str):
        return value
    if value in CODE_WORDS:
        return _say(CODE_WORDS[value])
    if CODE.fullmatch(value):
        return value.replace("_", " ").lower()
    return value


def register_field(key: str, values: Mapping[str, object] | None = None, names: Mapping[str, object] | None = None
                   ) -> None:
    """Words for the codes stored in one field ("enrollment.StatusChange.to_status": code -> label) and, for a
    stored mapping, for its keys ("enrollment.ScreeningRecord.criteria": criterion code -> criterion text). A later
    registration of the same field adds to the earlier ones."""
    if values is not None:
        _FIELD_VALUES[key] = {**_FIELD_VALUES.get(key, {}), **values}
    if names is not None:
        _FIELD_NAMES[key] = {**_FIELD_NAMES.get(key, {}), **names}


def field_words(key: str, value: object) -> object:
    """A value of the field `key` in words: its registered code words, a mapping with its registered names, else
    `words`/`mapping_words`."""
    values = _FIELD_VALUES.get(key, {})
    if isinstance(value, dict):
        return mapping_words(value, _FIELD_NAMES.get(key), values)
    if isinstance(value, str) and value in values:
        return _say(values[value])
    return words(value)


def mapping_words(value: dict, names: Mapping[str, object] | None = None,
                  values: Mapping[str, object] | None = None) -> str:
    """A stored mapping (e.g. criteria: met / not met) as "name: value; ..." in words."""
    names, values = names or {}, values or {}

    def said(text: object, known: Mapping[str, object]) -> object:
        return _say(known[text]) if isinstance(text, str) and text in known else words(text)

    colon, semicolon = pgettext("between a name and its value", ": "), pgettext("between pairs", "; ")
    return semicolon.join(f"{said(k, names)}{colon}{said(v, values)}" for k, v in value.items())

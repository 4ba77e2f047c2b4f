"""Derived codes and words of the assessment pages in the reader's language.

The pages show some derived values as their code (CR, RELAPSE, NO_CBC_IN_WINDOW) or in the words of
integrity.words ("not evaluable: insufficient sensitivity"). `shown(text)` takes that English text and gives
its translation; the English page reads exactly as before (the msgid is the English shown). Codes that are the
trial's own vocabulary in both languages (CR, CRh, CRi, NR, NE, CNS1…) are left as they are.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from integrity.words import words

SHOWN = {
    # timepoints other than the end of cycle, as the table of other marrows prints them
    "UNSCHEDULED": pgettext_lazy("timepoint code", "UNSCHEDULED"),
    "FOLLOW_UP": pgettext_lazy("timepoint code", "FOLLOW_UP"),
    # derived and called responses
    "RELAPSE": pgettext_lazy("response code", "RELAPSE"),
    # why a response is not evaluable (assessments.rules.response_ne_reason)
    "MARROW_INADEQUATE": pgettext_lazy("response code", "MARROW_INADEQUATE"),
    "NO_CBC_IN_WINDOW": pgettext_lazy("response code", "NO_CBC_IN_WINDOW"),
    "COUNTS_MISSING": pgettext_lazy("response code", "COUNTS_MISSING"),
    "DIFFERENTIAL_MISSING": pgettext_lazy("response code", "DIFFERENTIAL_MISSING"),
    "EMD_NOT_ASSESSED": pgettext_lazy("response code", "EMD_NOT_ASSESSED"),
    # MRD classes and why an MRD result is not evaluable
    "NEG": pgettext_lazy("MRD class", "NEG"),
    "POS": pgettext_lazy("MRD class", "POS"),
    "not evaluable: insufficient sensitivity": pgettext_lazy("MRD class", "not evaluable: insufficient sensitivity"),
    "MRD_MISSING": pgettext_lazy("MRD class", "MRD_MISSING"),
    "MRD_NOT_EVALUABLE": pgettext_lazy("MRD class", "MRD_NOT_EVALUABLE"),
    "INSUFFICIENT_SENSITIVITY": pgettext_lazy("MRD class", "INSUFFICIENT_SENSITIVITY"),
    "LOD_MISSING": pgettext_lazy("MRD class", "LOD_MISSING"),
    "VALUE_MISSING": pgettext_lazy("MRD class", "VALUE_MISSING"),
    "NO_TRACKABLE_CLONE": pgettext_lazy("MRD class", "NO_TRACKABLE_CLONE"),
    # the aspirate and EMD status as the EOC page prints them (lower case, underscores dropped or kept)
    "adequate": pgettext_lazy("aspirate", "adequate"),
    "drytap": pgettext_lazy("aspirate", "drytap"),
    "haemodilute": pgettext_lazy("aspirate", "haemodilute"),
    "fewcells": pgettext_lazy("aspirate", "fewcells"),
    "none": pgettext_lazy("EMD status", "none"),
    "present": pgettext_lazy("EMD status", "present"),
    "not_assessed": pgettext_lazy("EMD status", "not_assessed"),
    # follow-up contacts in the casebook's timeline (lower-case codes)
    "alive": pgettext_lazy("follow-up", "alive"),
    "dead": pgettext_lazy("follow-up", "dead"),
    "unknown": pgettext_lazy("follow-up", "unknown"),
    "continued remission": pgettext_lazy("follow-up", "continued remission"),
    "relapse": pgettext_lazy("follow-up", "relapse"),
    "not assessed": pgettext_lazy("follow-up", "not assessed"),
    "disease": pgettext_lazy("cause of death", "disease"),
    "infection": pgettext_lazy("cause of death", "infection"),
    "transplant": pgettext_lazy("cause of death", "transplant"),
    "toxicity": pgettext_lazy("cause of death", "toxicity"),
    "other": pgettext_lazy("cause of death", "other"),
}


def shown(text):
    """The English a page shows for a code, in the reader's language; anything else unchanged."""
    if isinstance(text, str) and text in SHOWN:
        return str(SHOWN[text])
    return text


def code_words(value):
    """A stored or derived code as integrity.words puts it, in the reader's language."""
    return shown(words(value))

"""Helpers of the Chinese-interface tests: a signed-in client whose profile chose Simplified Chinese, and the
English left on a page once the data are set aside.

A page in zh-Hans may show Latin letters only where they are data (what people typed, names, IDs, the demo's
verbatim terms), codes and abbreviations of the trade that Chinese clinicians write in Latin letters too (CR,
MRD, CTCAE…), units, and proper names. Everything else in Latin letters is an untranslated interface string,
whether it was marked for translation or never marked at all.
"""

from __future__ import annotations

import functools
import html
import re

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client

from tests.login import force_verified_login

CHINESE = "zh-hans"
PROJECT_APPS = ("enrollment", "cycles", "assessments", "safety", "endpoints", "integrity", "exports", "api")

# Latin-letter tokens a Chinese page may show, by why.
ALLOWED_LATIN = {
    # the product and proper names
    "BlinaTrial", "EDC", "Kaplan", "Meier", "Okabe", "Ito", "REDCap", "CDISC", "SDTM", "ADaM", "ODM", "MedDRA",
    "CTCAE", "ASTCT", "ECOG", "Clopper", "Pearson", "Greenwood", "Brookmeyer", "Crowley", "IANA", "UTC",
    # abbreviations written in Latin letters in Chinese clinical text
    "CR", "CRh", "CRi", "NR", "PR", "NE", "MRD", "AE", "SAE", "CRS", "ICANS", "NGS", "ANC", "PLT", "WBC", "Hb",
    "CBC", "EMD", "EOC", "OS", "EFS", "RFS", "DOR", "CIR", "HSCT", "CRF", "SDV", "ALL", "B-ALL", "Ph", "CI", "ID",
    "IDs", "ICE",
    "CSV", "API", "JSON", "XML", "PDF", "SVG", "URL", "HTTP", "TOTP", "QR", "IV", "PO", "SC", "CNS", "BCR-ABL",
    "n", "N", "p", "vs", "CNS1", "CNS2", "CNS3", "LOD", "BCR", "ABL1", "FISH", "PCR", "RT-PCR", "NCT", "IP",
    "SHA-256", "UTF-8", "KB", "MB", "U", "MAC", "RIC", "TBI", "Gy", "Ig", "S", "B", "ELN", "CONSORT", "ADTTE",
    "ADSL",
    "AVAL", "CNSR", "PARAMCD", "USUBJID",
    # names of methods, scales and the libraries the statistics name
    "Mosteller", "Cairo", "Bishop", "Aalen", "Johansen", "Cohen", "lifelines", "scipy", "Wilson",
    # units
    "mg", "kg", "g", "cm", "dL", "L", "mL", "m", "m2", "µg", "μg", "mmol", "µmol", "IU", "h", "min", "s", "d", "x",
}
_LATIN_WORD = re.compile(r"(?<![\w/])[A-Za-z][A-Za-z0-9]*(?:[-'’][A-Za-z0-9]+)*")


def chinese_client(user) -> Client:
    """A verified session of `user`, whose profile chose Simplified Chinese (as the menu's switcher does)."""
    from enrollment.models import StaffProfile

    StaffProfile.objects.update_or_create(user=user, defaults={"language": CHINESE})
    return force_verified_login(Client(), user)


def visible_text(page: str) -> str:
    """The text a person reads: tags, scripts, styles and <code> (literal text to type) left out; title,
    aria-label, placeholder and alt kept."""
    page = re.sub(r"<(script|style|code|svg)\b.*?</\1>", " ", page, flags=re.S | re.I)
    attrs = re.findall(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *attrs]))


def data_strings() -> list[str]:
    """Every text value stored in the project's tables (free text, names, IDs, references) and the users' names:
    data are shown as typed, in any language. Longest first, so a value is set aside before its parts."""
    values: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        fields = [
            f.name for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                values.update(v.strip() for v in row if isinstance(v, str) and len(v.strip()) >= 2)
    for user in get_user_model().objects.all():
        values.update(v for v in (user.username, user.get_full_name(), user.first_name, user.last_name) if v)
    return sorted(values, key=len, reverse=True)


@functools.lru_cache(maxsize=8)
def _data_pattern(values: tuple[str, ...]) -> re.Pattern | None:
    """The data values as whole words (initials "AB" are not set aside from inside "ABL1"), longest first."""
    if not values:
        return None
    ordered = sorted(values, key=len, reverse=True)
    return re.compile("|".join(rf"(?<![A-Za-z0-9]){re.escape(v)}(?![A-Za-z0-9])" for v in ordered))


def english_left(page: str, data: list[str] | None = None) -> list[str]:
    """The Latin-letter words on an HTML page that are neither data, nor allowed codes, units or names."""
    text = visible_text(page)
    # a stored timestamp shown as stored (before the data: a value may be part of it)
    text = re.sub(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?", " ", text)
    pattern = _data_pattern(tuple(data if data is not None else data_strings()))
    if pattern is not None:
        text = pattern.sub(" ", text)
    text = re.sub(r"\b[A-Z][a-z]+/[A-Z][A-Za-z_]+(?:/[A-Za-z_]+)?\b", " ", text)  # time zone names
    text = re.sub(r"\b\d{2,4}-\d{3}\b", " ", text)  # participant IDs
    text = re.sub(r"\bS\d{2,4}-\d{3}\b", " ", text)  # screening numbers
    text = re.sub(r"\b(?:EOC\d+|C\d+D\d+|AD[A-Z]{2,6})\b", " ", text)  # visit codes, ADaM dataset names
    text = re.sub(r"\b[a-z][a-z0-9_]*\.(?:csv|xml|json|xpt|sas7bdat|zip|txt)\b", " ", text)  # file names
    text = re.sub(r"(?<![\w.])\.(?:csv|xml|json|xpt|zip)\b", " ", text)  # a file name's ending (.csv)
    text = re.sub(r"\b(?:OS|EFS|RFS|DOR|CIR)HSCT\b", " ", text)  # ADTTE parameter codes (censored at HSCT)
    return sorted({w for w in _LATIN_WORD.findall(text) if w not in ALLOWED_LATIN})

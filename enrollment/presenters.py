"""Rows of the enrollment lists as plain dicts: the list templates only print them (no model lookups,
no per-row includes), so a page costs its two queries and little rendering."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext_lazy

from blinatrial.dates import shown_date
from blinatrial.paths import pk_path
from enrollment import rules
from enrollment.models import SCREENING_DATA_FIELDS, ParticipantStatus, ScreeningStatus, screening_data_from_values
from enrollment.protocol import ENROLLMENT_PROTOCOL
from enrollment.rules import bsa_mosteller

STATUS_BADGES = {
    "screening": "text-bg-secondary",
    "screen_failed": "text-bg-danger",
    "enrolled": "text-bg-primary",
    "on_treatment": "text-bg-success",
    "follow_up": "text-bg-info",
}
STATUS_LABELS = dict(ParticipantStatus.choices)
SCREENING_LABELS = dict(ScreeningStatus.choices)
# The sex as the screening log abbreviates it (the stored code in English, a character in Chinese).
SEX_SHORT = {"F": pgettext_lazy("sex, abbreviated", "F"), "M": pgettext_lazy("sex, abbreviated", "M")}
SCREENING_ROW_FIELDS = (
    "pk", "screening_number", "site__code", "initials", "sex", "criteria", "status", "screen_fail_reason",
    "participant__pk", "participant__participant_id", *SCREENING_DATA_FIELDS,
)
PARTICIPANT_ROW_FIELDS = (
    "pk", "participant_id", "site__code", "site__name", "screening__screening_number", "enrolled_on", "status",
    "status_on", "height_cm", "weight_kg",
)


def in_words(labels: dict[str, Any]) -> dict[str, str]:
    """Choice labels translated once, for a page's rows (a lazy label is translated each time it is printed)."""
    return {code: str(label) for code, label in labels.items()}


def status_badge_class(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-dark")


def participant_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """values(*PARTICIPANT_ROW_FIELDS) rows -> what a participant list row shows (`html`: the row, built here)."""
    detail, statuses = pk_path("enrollment:participant-detail"), in_words(STATUS_LABELS)
    out = [
        {
            "participant_id": r["participant_id"],
            "url": detail(r["pk"]),
            "site_code": r["site__code"],
            "site_name": r["site__name"],
            "screening_number": r["screening__screening_number"],
            "enrolled_on": shown_date(r["enrolled_on"]),
            "status_label": statuses.get(r["status"], r["status"]),
            "badge": status_badge_class(r["status"]),
            "status_on": shown_date(r["status_on"]),
            "bsa": f"{bsa_mosteller(float(r['height_cm']), float(r['weight_kg'])):.2f}",
        }
        for r in rows
    ]
    for row in out:
        row["html"] = participant_row_html(row)
    return out


def participant_row_html(row: dict[str, Any]) -> SafeString:
    """One participant list row (<tr>), built once here rather than cell by cell by the template engine."""
    return format_html(
        '<tr><td><a class="mono fw-semibold" href="{}">{}</a></td>'
        '<td>{} <span class="text-muted small">{}</span></td><td class="mono">{}</td><td>{}</td>'
        '<td><span class="badge {}" data-testid="status-badge">{}</span></td><td>{}</td>'
        '<td class="text-end">{}</td></tr>\n',
        row["url"], row["participant_id"], row["site_code"], row["site_name"], row["screening_number"],
        row["enrolled_on"], row["badge"], row["status_label"], row["status_on"], row["bsa"],
    )


def screening_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """values(*SCREENING_ROW_FIELDS, "consent_on") rows -> what a screening log row shows, eligibility derived
    per row."""
    detail, participant_detail = pk_path("enrollment:screening-detail"), pk_path("enrollment:participant-detail")
    statuses, sexes = in_words(SCREENING_LABELS), in_words(SEX_SHORT)
    out = []
    for r in rows:
        data = screening_data_from_values(r, r["consent_on"])
        age = data.age_years
        eligibility = rules.derive_eligibility(r["criteria"] or {}, ENROLLMENT_PROTOCOL, data)
        pk = r["participant__pk"]
        out.append(
            {
                "url": detail(r["pk"]),
                "screening_number": r["screening_number"],
                "site_code": r["site__code"],
                "screened_on": shown_date(r["screened_on"]),
                "initials": r["initials"],
                "sex": r["sex"],
                "sex_label": sexes.get(r["sex"], r["sex"]),
                "age": age,
                "eligible": eligibility.eligible,
                "failed": eligibility.failed,
                "consented": r["consent_on"] is not None,
                "status_label": statuses.get(r["status"], r["status"]),
                "badge": status_badge_class(r["status"]),
                "screen_fail_reason": r["screen_fail_reason"],
                "participant_id": r["participant__participant_id"],
                "participant_url": participant_detail(pk) if pk else None,
            }
        )
    words = screening_words()
    for row in out:
        row["html"] = screening_row_html(row, words)
    return out


def _shown_once() -> Callable[[str], str]:
    """rules.shown for one page: a reason many rows share (the same criterion not met) is translated once."""
    seen: dict[tuple, str] = {}

    def shown(reason: str) -> str:
        key = (reason, getattr(reason, "template", None))
        if key not in seen:
            seen[key] = rules.shown(reason)
        return seen[key]

    return shown


def screening_words() -> dict[str, Any]:
    """The fixed words of a screening log row, translated once per page rather than once per row."""
    return {"eligible": gettext("Eligible"), "not_eligible": gettext("Not eligible"), "signed": gettext("Signed"),
            "none": gettext("none"), "shown": _shown_once()}


def screening_row_html(row: dict[str, Any], words: dict[str, Any]) -> SafeString:
    """One screening log row (<tr>), built here once: the template engine's per-cell work cost more than the
    page's queries."""
    if row["eligible"]:
        eligibility = format_html('<span class="badge text-bg-success">{}</span>', words["eligible"])
    else:
        reasons = format_html_join("", "<li>{}</li>", ((words["shown"](reason),) for reason in row["failed"]))
        eligibility = format_html(
            '<span class="badge text-bg-warning">{}</span>\n<ul class="small mb-0 ps-3 text-danger">{}</ul>',
            words["not_eligible"], reasons,
        )
    consent = (format_html('<span class="badge text-bg-success">{}</span>', words["signed"]) if row["consented"]
               else format_html('<span class="text-muted small">{}</span>', words["none"]))
    fail = (format_html('<div class="small text-muted">{}</div>', row["screen_fail_reason"])
            if row["screen_fail_reason"] else "")
    participant = (format_html('<a class="mono" href="{}">{}</a>', row["participant_url"], row["participant_id"])
                   if row["participant_url"] else "")
    return format_html(
        '<tr><td><a href="{}" class="mono">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{} / {}</td>'
        "<td>{}</td><td>{}</td>"
        '<td><span class="badge {}" data-testid="status-badge">{}</span>{}</td><td>{}</td></tr>\n',
        row["url"], row["screening_number"], row["site_code"], row["screened_on"], row["initials"],
        row["sex_label"], row["age"] if row["age"] is not None else "?", eligibility, consent, row["badge"],
        row["status_label"], fail, participant,
    )


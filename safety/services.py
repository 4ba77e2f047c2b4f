"""Reads the safety forms need, the plain inputs of the ASTCT rules, and the after-save step of a serious AE."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from safety import rules
from safety.models import AdverseEvent, CrsAssessment, IcansAssessment, SaeAlert
from safety.tasks import notify_sae_entered


def next_ae_reference(participant) -> str:
    """AE-1, AE-2, ... in entry order per participant; removed AEs keep their number (never reused)."""
    used = AdverseEvent._base_manager.filter(participant=participant).values_list("reference", flat=True)
    numbers = [int(ref.split("-", 1)[1]) for ref in used if ref.startswith("AE-") and ref[3:].isdigit()]
    return f"AE-{max(numbers, default=0) + 1}"


def ae_groups(ae: AdverseEvent) -> tuple[str, ...]:
    """The AE-of-special-interest groups of an AE's term (safety.rules.aesi_groups)."""
    return rules.aesi_groups(ae.term.code, ae.term.soc)


def _get(source, name: str):
    return source.get(name) if isinstance(source, Mapping) else getattr(source, name)


def _float(value) -> float | None:
    return None if value is None else float(value)


def crs_observation(source) -> rules.CrsObservation:
    """The rules' input from a CRS assessment (a model instance or a form's cleaned data)."""
    return rules.CrsObservation(
        max_temp_c=_float(_get(source, "max_temp_c")),
        fever_masked=bool(_get(source, "fever_masked")),
        hypotension=bool(_get(source, "hypotension")),
        vasopressors_excl_vasopressin=int(_get(source, "vasopressors_excl_vasopressin") or 0),
        vasopressin=bool(_get(source, "vasopressin")),
        o2_device=_get(source, "o2_device") or rules.O2Device.NONE,
        o2_flow_l_min=_float(_get(source, "o2_flow_l_min")),
        died_of_crs=bool(_get(source, "died_of_crs")),
    )


def ice_score_of(source) -> int | None:
    """The ICE score from the ten items; None when they were not entered (not done or unable)."""
    items = {code: _get(source, f"ice_{code}") for code, _, _ in rules.ICE_ITEMS}
    if any(v is None for v in items.values()):
        return None
    return rules.ice_score({code: int(v) for code, v in items.items()})


def icans_observation(source) -> rules.IcansObservation:
    """The rules' input from an ICANS assessment (a model instance or a form's cleaned data)."""
    unable = bool(_get(source, "unable_to_perform_ice"))
    return rules.IcansObservation(
        ice_score=None if unable else ice_score_of(source),
        unable_to_perform_ice=unable,
        consciousness=_get(source, "consciousness") or "alert",
        seizure=_get(source, "seizure") or "none",
        deep_focal_motor_weakness=bool(_get(source, "deep_focal_motor_weakness")),
        icp=_get(source, "icp") or "none",
        died_of_icans=bool(_get(source, "died_of_icans")),
    )


def crs_grade(assessment: CrsAssessment) -> int:
    return rules.crs_grade(crs_observation(assessment))


def icans_grade(assessment: IcansAssessment) -> int:
    return rules.icans_grade(icans_observation(assessment))


def after_ae_saved(ae: AdverseEvent) -> None:
    """A live serious AE gets its notification row, and its entry notice is sent after the commit."""
    if not ae.serious or ae.is_deleted:
        return
    alert, _ = SaeAlert.objects.get_or_create(adverse_event=ae)
    if alert.entry_sent_at is None:
        transaction.on_commit(lambda: notify_sae_entered.delay(ae.pk))

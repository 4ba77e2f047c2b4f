"""Pure safety rules: ASTCT 2019 CRS and ICANS grades, study day, cycle of onset, treatment-emergent
flag and AE-of-special-interest groups (DOMAIN.md 4.1-4.3, Project decisions 1 and 9).

No I/O: plain values in, plain values out. Labels are marked with gettext_noop (kept in English, shown
translated by the pages); messages for the forms come through gettext. CTCAE laboratory grades live in
``safety/labgrades.py``, Cairo-Bishop tumour lysis in ``safety/tls.py``.

Decisions where DOMAIN leaves room (each is repeated in the function's docstring):
- ``crs_grade`` follows the DOMAIN 4.2 pseudo-code literally: no fever >= 38.0 C and not masked -> 0,
  whatever else is recorded, including ``died_of_crs`` (an unfebrile death is not CRS by ASTCT).
- ``icans_grade``: ``unable_to_perform_ice`` (unarousable) scores the ICE domain as "0 because
  unarousable" (grade 4) whatever score was typed; ``ice_score=None`` without it means "not assessed"
  and the ICE domain contributes 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from blinatrial.wording import gettext, gettext_noop
from enrollment.rules import study_day  # DOMAIN decision 1 has one home; re-exported here

from .boundaries import above, at_least, at_most

__all__ = [
    "AESI_GROUPS",
    "AESI_LABELS",
    "AESI_SOCS",
    "CONSCIOUSNESS_LABELS",
    "ICE_ITEMS",
    "ICP_LABELS",
    "O2_DEVICE_LABELS",
    "SEIZURE_LABELS",
    "CrsObservation",
    "IcansObservation",
    "O2Device",
    "aesi_groups",
    "crs_grade",
    "crs_problems",
    "cycle_of",
    "ice_score",
    "icans_grade",
    "icans_problems",
    "study_day",
    "treatment_emergent",
]

# --- CRS (ASTCT 2019, DOMAIN 4.2) -------------------------------------------------------------------

FEVER_C = 38.0  # fever is >= 38.0 C (DOMAIN 4.2)
LOW_FLOW_MAX_L_MIN = 6.0  # nasal cannula <= 6 L/min is low-flow, > 6 L/min high-flow (DOMAIN 4.2)
PLAUSIBLE_TEMP_C = (30.0, 45.0)  # outside this a temperature is a typing error, not a reading


class O2Device(StrEnum):
    NONE = "none"
    LOW_FLOW_NC_LE6 = "low_flow_nc_le6"
    BLOW_BY = "blow_by"
    HIGH_FLOW_NC_GT6 = "high_flow_nc_gt6"
    FACE_MASK = "face_mask"
    NON_REBREATHER = "non_rebreather"
    VENTURI = "venturi"
    CPAP = "cpap"
    BIPAP = "bipap"
    INTUBATION = "intubation"


O2_DEVICE_LABELS: dict[str, str] = {
    O2Device.NONE: gettext_noop("No supplemental oxygen"),
    O2Device.LOW_FLOW_NC_LE6: gettext_noop("Low-flow nasal cannula (6 L/min or less)"),
    O2Device.BLOW_BY: gettext_noop("Blow-by oxygen"),
    O2Device.HIGH_FLOW_NC_GT6: gettext_noop("High-flow nasal cannula (more than 6 L/min)"),
    O2Device.FACE_MASK: gettext_noop("Face mask"),
    O2Device.NON_REBREATHER: gettext_noop("Non-rebreather mask"),
    O2Device.VENTURI: gettext_noop("Venturi mask"),
    O2Device.CPAP: gettext_noop("CPAP"),
    O2Device.BIPAP: gettext_noop("BiPAP"),
    O2Device.INTUBATION: gettext_noop("Intubation and mechanical ventilation"),
}

# Hypoxia tier of each device (DOMAIN 4.2 table, "Hypoxia (O2 need)" row).
O2_DEVICE_TIER: dict[str, int] = {
    O2Device.NONE: 0,
    O2Device.LOW_FLOW_NC_LE6: 2,
    O2Device.BLOW_BY: 2,
    O2Device.HIGH_FLOW_NC_GT6: 3,
    O2Device.FACE_MASK: 3,
    O2Device.NON_REBREATHER: 3,
    O2Device.VENTURI: 3,
    O2Device.CPAP: 4,
    O2Device.BIPAP: 4,
    O2Device.INTUBATION: 4,
}


@dataclass(frozen=True)
class CrsObservation:
    """One CRS assessment (DOMAIN 4.2 inputs); temperature in degrees C, oxygen flow in L/min."""

    max_temp_c: float | None
    fever_masked: bool
    hypotension: bool
    vasopressors_excl_vasopressin: int
    vasopressin: bool
    o2_device: str
    o2_flow_l_min: float | None
    died_of_crs: bool


def crs_grade(obs: CrsObservation) -> int:
    """ASTCT 2019 CRS grade 0-5, exactly the DOMAIN 4.2 pseudo-code.

    No fever (>= 38.0 C) and not masked -> 0 even with hypotension, hypoxia or death. A masked fever
    with no hypotension or hypoxia is grade 1 (for investigator review). Vasopressin alone counts as
    one vasopressor; with another vasopressor it adds nothing. Raises ValueError for an unknown device.
    """
    if obs.o2_device not in O2_DEVICE_TIER:
        raise ValueError(f"Unknown oxygen device {obs.o2_device!r}.")
    febrile = obs.max_temp_c is not None and at_least(obs.max_temp_c, FEVER_C)
    if not (febrile or obs.fever_masked):
        return 0
    if obs.died_of_crs:
        return 5
    pressors = obs.vasopressors_excl_vasopressin
    n = pressors + (1 if (obs.vasopressin and pressors == 0) else 0)
    hypotension_tier = 0 if not obs.hypotension else (2 if n == 0 else 3 if n == 1 else 4)
    return max(1, hypotension_tier, O2_DEVICE_TIER[obs.o2_device])


def crs_problems(obs: CrsObservation) -> dict[str, str]:
    """Field -> message for a CRS assessment that cannot be graded as entered (DOMAIN 4.2 validator)."""
    problems: dict[str, str] = {}
    low, high = PLAUSIBLE_TEMP_C
    if obs.max_temp_c is not None and not (low <= obs.max_temp_c <= high):
        problems["max_temp_c"] = gettext("A temperature must be between %(low)s and %(high)s °C.") % {
            "low": f"{low:g}",
            "high": f"{high:g}",
        }
    if obs.vasopressors_excl_vasopressin < 0:
        problems["vasopressors_excl_vasopressin"] = gettext("The number of vasopressors cannot be negative.")
    elif (obs.vasopressors_excl_vasopressin > 0 or obs.vasopressin) and not obs.hypotension:
        problems["hypotension"] = gettext("Vasopressors are recorded: tick hypotension, or remove the vasopressors.")
    if obs.o2_device not in O2_DEVICE_TIER:
        problems["o2_device"] = gettext("Choose an oxygen device from the list.")
        return problems
    flow = obs.o2_flow_l_min
    if flow is None:
        return problems
    if flow < 0:
        problems["o2_flow_l_min"] = gettext("An oxygen flow cannot be negative.")
    elif obs.o2_device == O2Device.NONE and flow > 0:
        problems["o2_flow_l_min"] = gettext("An oxygen flow is recorded but the device is 'no supplemental oxygen'.")
    elif obs.o2_device == O2Device.LOW_FLOW_NC_LE6 and above(flow, LOW_FLOW_MAX_L_MIN):
        problems["o2_device"] = gettext(
            "A nasal cannula at %(flow)s L/min (more than 6 L/min) must be coded as high-flow nasal cannula."
        ) % {"flow": f"{flow:g}"}
    elif obs.o2_device == O2Device.HIGH_FLOW_NC_GT6 and at_most(flow, LOW_FLOW_MAX_L_MIN):
        problems["o2_device"] = gettext(
            "A nasal cannula at %(flow)s L/min (6 L/min or less) must be coded as low-flow nasal cannula."
        ) % {"flow": f"{flow:g}"}
    return problems


# --- ICANS (ASTCT 2019, DOMAIN 4.3) -----------------------------------------------------------------

# The ten ICE items, one point each (DOMAIN 4.3): orientation (4), naming 3 objects (3), commands,
# writing, counting back from 100 by 10.
ICE_ITEMS: tuple[tuple[str, str, int], ...] = (
    ("orientation_year", gettext_noop("Orientation: year"), 1),
    ("orientation_month", gettext_noop("Orientation: month"), 1),
    ("orientation_city", gettext_noop("Orientation: city"), 1),
    ("orientation_hospital", gettext_noop("Orientation: hospital"), 1),
    ("naming_object_1", gettext_noop("Names the first object"), 1),
    ("naming_object_2", gettext_noop("Names the second object"), 1),
    ("naming_object_3", gettext_noop("Names the third object"), 1),
    ("follows_commands", gettext_noop("Follows simple commands"), 1),
    ("writes_sentence", gettext_noop("Writes a standard sentence"), 1),
    ("counts_back_by_10", gettext_noop("Counts back from 100 by 10"), 1),
)
ICE_MAX = sum(points for _, _, points in ICE_ITEMS)

CONSCIOUSNESS_LABELS: dict[str, str] = {
    "alert": gettext_noop("Alert"),
    "awakens_spontaneously": gettext_noop("Awakens spontaneously"),
    "awakens_to_voice": gettext_noop("Awakens to voice"),
    "tactile_only": gettext_noop("Awakens only to tactile stimulus"),
    "unarousable": gettext_noop("Unarousable, or needs vigorous or repetitive tactile stimuli; stupor or coma"),
}
SEIZURE_LABELS: dict[str, str] = {
    "none": gettext_noop("No seizure"),
    "rapidly_resolving": gettext_noop(
        "Clinical seizure resolving rapidly, or non-convulsive EEG seizures resolving with intervention"
    ),
    "prolonged_or_repetitive": gettext_noop(
        "Life-threatening prolonged seizure (> 5 min) or repetitive seizures without return to baseline"
    ),
}
ICP_LABELS: dict[str, str] = {
    "none": gettext_noop("No raised intracranial pressure or cerebral oedema"),
    "focal_edema": gettext_noop("Focal or local oedema on imaging"),
    "diffuse_edema_or_signs": gettext_noop(
        "Diffuse oedema on imaging; decerebrate or decorticate posturing; cranial nerve VI palsy; papilloedema; or "
        "Cushing's triad"
    ),
}
# Grade of each domain level (DOMAIN 4.3 pseudo-code).
CONSCIOUSNESS_GRADE = {
    "alert": 0,
    "awakens_spontaneously": 1,
    "awakens_to_voice": 2,
    "tactile_only": 3,
    "unarousable": 4,
}
SEIZURE_GRADE = {"none": 0, "rapidly_resolving": 3, "prolonged_or_repetitive": 4}
ICP_GRADE = {"none": 0, "focal_edema": 3, "diffuse_edema_or_signs": 4}


def ice_score(items: Mapping[str, int | bool]) -> int:
    """ICE score 0-10 (DOMAIN 4.3) from the ten items; ValueError for a missing, unknown or out-of-range item."""
    known = {code for code, _, _ in ICE_ITEMS}
    unknown = sorted(set(items) - known)
    if unknown:
        raise ValueError(f"Unknown ICE item(s): {', '.join(unknown)}.")
    total = 0
    for code, label, points in ICE_ITEMS:
        if code not in items or items[code] is None:
            raise ValueError(f"ICE item '{label}' is missing.")
        value = items[code]
        if isinstance(value, float) or not isinstance(value, int) or not 0 <= int(value) <= points:
            raise ValueError(f"ICE item '{label}' must be a whole number from 0 to {points}, got {value!r}.")
        total += int(value)
    return total


@dataclass(frozen=True)
class IcansObservation:
    """One ICANS assessment (DOMAIN 4.3 domains)."""

    ice_score: int | None
    unable_to_perform_ice: bool  # because unarousable
    consciousness: str
    seizure: str
    deep_focal_motor_weakness: bool
    icp: str
    died_of_icans: bool


def _ice_grade(score: int | None, unarousable: bool) -> int:
    if unarousable:
        return 4
    if score is None:
        return 0
    return 0 if score == 10 else 1 if score >= 7 else 2 if score >= 3 else 3


def icans_grade(obs: IcansObservation) -> int:
    """ASTCT 2019 ICANS grade 0-5 (DOMAIN 4.3): the most severe domain; death due to ICANS = 5.

    ICE 0-2 while awake = 3, ICE not performable because unarousable = 4; ``ice_score=None`` without
    ``unable_to_perform_ice`` means not assessed (the ICE domain contributes 0). ValueError for an
    unknown consciousness, seizure or ICP code or an ICE score outside 0-10.
    """
    if obs.ice_score is not None and not 0 <= obs.ice_score <= ICE_MAX:
        raise ValueError(f"An ICE score must be from 0 to {ICE_MAX}, got {obs.ice_score!r}.")
    for name, table in (("consciousness", CONSCIOUSNESS_GRADE), ("seizure", SEIZURE_GRADE), ("icp", ICP_GRADE)):
        if getattr(obs, name) not in table:
            raise ValueError(f"Unknown {name} code {getattr(obs, name)!r}.")
    if obs.died_of_icans:
        return 5
    return max(
        _ice_grade(obs.ice_score, obs.unable_to_perform_ice),
        CONSCIOUSNESS_GRADE[obs.consciousness],
        SEIZURE_GRADE[obs.seizure],
        4 if obs.deep_focal_motor_weakness else 0,
        ICP_GRADE[obs.icp],
    )


def icans_problems(obs: IcansObservation) -> dict[str, str]:
    """Field -> message for an ICANS assessment that cannot be graded as entered."""
    problems: dict[str, str] = {}
    if obs.ice_score is not None and not 0 <= obs.ice_score <= ICE_MAX:
        problems["ice_score"] = gettext("The ICE score must be from 0 to %(max)s.") % {"max": ICE_MAX}
    if obs.unable_to_perform_ice and obs.ice_score not in (None, 0):
        problems["ice_score"] = gettext(
            "The ICE test could not be performed (unarousable): the score must be 0 or empty."
        )
    if obs.unable_to_perform_ice and obs.consciousness in ("alert", "awakens_spontaneously", "awakens_to_voice"):
        problems["consciousness"] = gettext(
            "The participant is recorded as unarousable for the ICE test but awake here."
        )
    for name, labels in (("consciousness", CONSCIOUSNESS_LABELS), ("seizure", SEIZURE_LABELS), ("icp", ICP_LABELS)):
        if getattr(obs, name) not in labels:
            problems[name] = gettext("Choose a value from the list.")
    return problems


# --- Time: study day, cycle of onset, treatment-emergent (DOMAIN decision 1, 4.1) ----------------

TEAE_WINDOW_DAYS = 30  # onset up to 30 days after the last dose (DOMAIN 4.1 default, a protocol setting)


def cycle_of(d: date, cycle_day1s: Sequence[tuple[int, date]]) -> int | None:
    """Number of the cycle running on date ``d``: the latest cycle whose day 1 is on or before ``d``.

    None before the first cycle's day 1 (or when no cycle started). ``cycle_day1s`` is (number, day 1)
    in any order.
    """
    started = [(day1, number) for number, day1 in cycle_day1s if day1 <= d]
    return max(started)[1] if started else None


def treatment_emergent(
    onset: date, first_dose: date | None, last_dose: date | None, window_days: int = TEAE_WINDOW_DAYS
) -> bool:
    """Treatment-emergent (DOMAIN 4.1): onset on/after the first dose and up to ``window_days`` after the
    last dose, both ends included. No first dose -> False; no last dose yet (on treatment) -> no end."""
    if first_dose is None or onset < first_dose:
        return False
    return last_dose is None or onset <= last_dose + timedelta(days=window_days)


# --- AEs of special interest (DOMAIN 4.1; a protocol setting) ---------------------------------------

AESI_LABELS: dict[str, str] = {
    "crs": gettext_noop("Cytokine release syndrome"),
    "neurological": gettext_noop("Neurological events / ICANS"),
    "tls": gettext_noop("Tumour lysis syndrome"),
    "infections": gettext_noop("Infections"),
    "hepatotoxicity": gettext_noop("Hepatotoxicity"),
    "infusion_reactions": gettext_noop("Infusion reactions"),
}
# Term codes are the slugs of safety/data/ctcae_v5_terms.csv (safety.ctcae.term_code).
AESI_GROUPS: dict[str, frozenset[str]] = {
    "crs": frozenset({"cytokine_release_syndrome"}),
    "neurological": frozenset(
        {
            "immune_effector_cell_associated_neurotoxicity_syndrome",
            "encephalopathy",
            "tremor",
            "aphasia",
            "dysphasia",
            "seizure",
            "confusion",
            "depressed_level_of_consciousness",
            "somnolence",
            "dizziness",
            "headache",
            "ataxia",
            "dysarthria",
            "cognitive_disturbance",
            "memory_impairment",
            "concentration_impairment",
            "agitation",
            "delirium",
            "hallucinations",
            "edema_cerebral",
            "nervous_system_disorders_other_specify",
        }
    ),
    "tls": frozenset({"tumor_lysis_syndrome"}),
    "infections": frozenset({"sepsis", "lung_infection", "urinary_tract_infection", "catheter_related_infection"}),
    "hepatotoxicity": frozenset(
        {
            "alanine_aminotransferase_increased",
            "aspartate_aminotransferase_increased",
            "blood_bilirubin_increased",
            "ggt_increased",
            "alkaline_phosphatase_increased",
            "hepatic_failure",
        }
    ),
    "infusion_reactions": frozenset({"infusion_related_reaction", "allergic_reaction", "anaphylaxis"}),
}
# Every term of these SOCs belongs to the group as well (infections: the whole SOC, "Other, specify" too).
AESI_SOCS: dict[str, frozenset[str]] = {"infections": frozenset({"Infections and infestations"})}


def aesi_groups(
    term_code: str,
    soc: str,
    *,
    groups: Mapping[str, frozenset[str] | set[str]] | None = None,
    socs: Mapping[str, frozenset[str] | set[str]] | None = None,
) -> tuple[str, ...]:
    """AE-of-special-interest groups of a term (DOMAIN 4.1), in ``AESI_LABELS`` order; () for none."""
    groups = AESI_GROUPS if groups is None else groups
    socs = AESI_SOCS if socs is None else socs
    found = {g for g, codes in groups.items() if term_code in codes} | {g for g, s in socs.items() if soc in s}
    order = list(AESI_LABELS) + sorted(found - set(AESI_LABELS))
    return tuple(g for g in order if g in found)

"""Automatic edit checks on assessments data, registered in integrity's registry (imported by AssessmentsConfig.ready).

Thresholds and windows come from the protocol definitions (assessments.rules via derived, cycles.regimen).
The date order (issue 14: screening <= consent <= enrollment <= C1D1 <= every clinical date) for data entered
before the forms refused it, or by another path: marrows and follow-up contacts after C1D1, blood counts and
EMD assessments (possibly baseline values) after consent.
"""

import datetime

from django.utils import timezone

from assessments.derived import derive_for_participant
from assessments.models import EOC_CYCLE_NUMBER, BoneMarrowAssessment, FlowResultType
from assessments.rules import near_any_marrow
from blinatrial.dates import shown_date
from cycles.checks import C1D1_SOURCES, ENROLLMENT_DATES, trial_dates
from cycles.regimen import REGIMEN
from enrollment.rules import date_order_problem
from integrity.edit_checks import register


def _derived_marrow(cache: dict, marrow_id: int):
    if "derived" not in cache:
        cache["derived"] = derive_for_participant(cache["participant"].pk)
    return next((m for m in cache["derived"].marrows if m.marrow_id == marrow_id), None)


# The fields a marrow's derived response reads (assessments.derived._derive_marrows): the marrows in date order
# (blasts; an earlier remission), the nearest blood count (ANC, platelets, circulating blasts) and the nearest
# EMD assessment. MRD and follow-up contacts do not change it, so editing them runs no derivation.
DERIVATION_INPUTS = (
    "assessments.BoneMarrowAssessment.sample_date",
    "assessments.BoneMarrowAssessment.blasts_pct",
    "assessments.BoneMarrowAssessment.timepoint",
    "assessments.BloodCount.sample_date",
    "assessments.BloodCount.anc_e9_per_l",
    "assessments.BloodCount.platelets_e9_per_l",
    "assessments.BloodCount.circulating_blasts",
    "assessments.BloodCount.circulating_blasts_pct",
    "assessments.ExtramedullaryDisease.assessed_on",
    "assessments.ExtramedullaryDisease.status",
    "assessments.ExtramedullaryDisease.cns_status",
)


# The date each dated input is matched to a marrow by (rules.nearest_cbc: the -7/+3-day window).
WINDOWED_DATES = {"assessments.BloodCount": "sample_date", "assessments.ExtramedullaryDisease": "assessed_on"}


def can_change_a_derived_response(record, changed: frozenset[str] | None) -> bool:
    """A blood count or EMD assessment dated outside every marrow's window is no marrow's nearest, before or
    after the change, so the derivation need not run: one query for the marrow dates instead of the derivation.
    A moved date (its old value may have been inside a window) and every other input always count."""
    date_field = WINDOWED_DATES.get(record._meta.label)
    if date_field is None or (changed is not None and date_field in changed):
        return True
    day = getattr(record, date_field)
    marrow_dates = BoneMarrowAssessment.objects.filter(
        participant_id=record.participant_id, is_deleted=False
    ).values_list("sample_date", flat=True)
    return day is None or near_any_marrow(day, marrow_dates)


@register(
    "RSP_DIFF",
    model="assessments.ResponseCall",
    field="response",
    reads=DERIVATION_INPUTS,
    relevant=can_change_a_derived_response,
)
def investigator_call_differs(call, cache) -> str | None:
    """Investigator's response call differs from the response derived from the marrow, counts and EMD."""
    derived = _derived_marrow(cache, call.marrow_id)
    if derived is None or call.response == derived.derived_response:
        return None
    return (
        f"The investigator's response ({call.response}) differs from the derived response "
        f"({derived.derived_response}) at {derived.timepoint}. Please check the marrow, blood count and EMD "
        "entries, or confirm the call with a comment."
    )


@register("FLOW_NO_LOD", model="assessments.FlowMrd", field="lod_pct", row_local=True)
def flow_not_detected_without_lod(flow, cache) -> str | None:
    """Flow MRD 'not detected' needs its limit of detection (negative only when LOD is below the cut-off)."""
    if flow.result_type == FlowResultType.NOT_DETECTED and flow.lod_pct is None:
        return "Flow MRD is 'not detected' but no limit of detection (LOD, %) is entered."
    return None


def _eoc_window_end(cycle):
    regimen = REGIMEN.cycle(cycle.number)
    visit = next((v for v in getattr(regimen, "visits", ()) if v.code == "EOC"), None)
    if visit is None or cycle.day1_on is None:
        return None
    return cycle.day1_on + datetime.timedelta(days=visit.day - 1 + visit.window_after_days)


@register("EOC_MARROW_MISSING", model="cycles.Cycle", field="day1_on", reads=("assessments.BoneMarrowAssessment",))
def eoc_marrow_missing(cycle, cache) -> str | None:
    """End-of-cycle marrow not entered after its window closed (periodic sweep and every save)."""
    timepoint = next((str(tp) for tp, n in EOC_CYCLE_NUMBER.items() if n == cycle.number), None)
    end = _eoc_window_end(cycle) if timepoint else None
    if end is None or timezone.now().date() <= end:
        return None
    if "eoc_marrows" not in cache:
        cache["eoc_marrows"] = set(
            BoneMarrowAssessment.objects.filter(participant=cache["participant"], is_deleted=False).values_list(
                "timepoint", flat=True
            )
        )
    if timepoint in cache["eoc_marrows"]:
        return None
    return f"The end-of-cycle {cycle.number} marrow ({timepoint}) is missing: its window closed on {shown_date(end)}."


AFTER_C1D1 = (*ENROLLMENT_DATES, *C1D1_SOURCES)


@register(
    "DATE_ORDER_MARROW", model="assessments.BoneMarrowAssessment", field="sample_date", reads=AFTER_C1D1,
    row_local=True,
)
def marrow_before_c1d1(marrow, cache) -> str | None:
    return date_order_problem(marrow.sample_date, trial_dates(cache), "c1d1", "The aspirate date")


FOLLOW_UP_DATES = (
    ("contact_date", "The contact date"),
    ("relapse_date", "The relapse date"),
    ("death_date", "The death date"),
    ("transplant_date", "The transplant date"),
)


@register(
    "DATE_ORDER_FOLLOW_UP",
    model="assessments.FollowUpContact",
    field="contact_date",
    reads=AFTER_C1D1,
    inputs=tuple(name for name, _ in FOLLOW_UP_DATES),
    row_local=True,
)
def follow_up_before_c1d1(contact, cache) -> str | None:
    dates = trial_dates(cache)
    problems = (date_order_problem(getattr(contact, name), dates, "c1d1", label) for name, label in FOLLOW_UP_DATES)
    return next((p for p in problems if p), None)


@register(
    "DATE_ORDER_BLOOD_COUNT", model="assessments.BloodCount", field="sample_date", reads=ENROLLMENT_DATES,
    row_local=True,
)
def blood_count_before_consent(cbc, cache) -> str | None:
    return date_order_problem(cbc.sample_date, trial_dates(cache, "consent_on"), "consent_on", "The sample date")


@register(
    "DATE_ORDER_EMD", model="assessments.ExtramedullaryDisease", field="assessed_on", reads=ENROLLMENT_DATES,
    row_local=True,
)
def emd_before_consent(emd, cache) -> str | None:
    return date_order_problem(emd.assessed_on, trial_dates(cache, "consent_on"), "consent_on", "The assessment date")

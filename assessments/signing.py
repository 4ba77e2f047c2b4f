"""What an investigator's e-signature of an assessment timepoint covers and needs (integrity.signatures' registry).

The signed content of a timepoint holds its own records (marrow, flow and NGS MRD, the investigator's call);
this module adds what their meaning depends on: the blood count and the EMD assessment the response derivation
uses (the nearest to the marrow, records of no timepoint) and the derived response and MRD classes. An edit of
that blood count changes the content, so the signature shows as broken. An end-of-cycle timepoint cannot be
signed before the investigator's response call is recorded.
"""

from assessments import derived
from assessments.models import EOC_TIMEPOINTS, BloodCount, ExtramedullaryDisease, ResponseCall, Timepoint
from integrity import signatures
from integrity.signatures import TimepointAddition


@signatures.register_content
def derivation_inputs(participant) -> dict[str, TimepointAddition]:
    """timepoint -> the blood count and EMD records used, and the values derived, for each of its marrows."""
    out: dict[str, TimepointAddition] = {}
    for marrow in derived.derive_for_participant(participant.pk).marrows:
        if not marrow.timepoint:
            continue
        addition = out.setdefault(marrow.timepoint, TimepointAddition())
        if marrow.cbc is not None:
            addition.records.add((BloodCount._meta.label, str(marrow.cbc.id)))
        if marrow.emd_record is not None:
            addition.records.add((ExtramedullaryDisease._meta.label, str(marrow.emd_record.id)))
        on = f"marrow of {marrow.marrow_date.day} {marrow.marrow_date:%b %Y}"
        addition.derived[f"Derived response ({on})"] = marrow.derived_response
        addition.derived[f"Flow MRD class ({on})"] = marrow.flow_class or "no result"
        addition.derived[f"NGS MRD class ({on})"] = marrow.ngs_class or "no result"
    return out


@signatures.register_sign_check
def response_call_recorded(participant, timepoint: str) -> str | None:
    if timepoint not in EOC_TIMEPOINTS:
        return None
    called = ResponseCall.objects.filter(
        is_deleted=False, marrow__is_deleted=False, marrow__participant=participant, marrow__timepoint=timepoint
    ).exists()
    if called:
        return None
    return (
        f"The investigator's response call for {Timepoint(timepoint).label} is not recorded yet: record it on the "
        "end-of-cycle page, then sign."
    )

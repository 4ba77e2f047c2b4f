"""Source data verification (SDV): monitors mark a record, or one of its critical fields, as checked
against the source document.

Which fields are critical to quality is the protocol's choice, declared by each clinical model beside its
fields (`critical_fields = (...)`, read here like integrity.model_meta reads the other declarations):
eligibility (screening), the response assessments (marrow, the blood counts the response uses, the
investigator's call), the MRD values and the relapse and death dates (follow-up). A mark holds while the
record holds what was verified (integrity.rules.is_verified); `clear_after_change`, called by the write path
after every save, clears the marks an edit made stale, with the reason, so the audit trail shows both the
verification and its clearing.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from blinatrial.access import MONITOR, has_role
from integrity import locking, rules, texts
from integrity.audit import site_path
from integrity.audit_context import own_context
from integrity.model_meta import clinical_models, participant_object_path, timepoint_path
from integrity.models import SourceVerification
from integrity.queries import site_of

VERIFIERS = (MONITOR,)
VERIFIED = texts.SOURCE_VERIFIED  # audit reasons, stored in English
CLEARED = texts.EDITED_AFTER_VERIFICATION


def critical_fields(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(getattr(model, "critical_fields", ()))


def verifiable_models() -> list[type[models.Model]]:
    return [m for m in clinical_models() if critical_fields(m)]


def value_text(record: models.Model, field_name: str) -> str:
    value = getattr(record, record._meta.get_field(field_name).attname)
    return "" if value is None else str(value)


def holds(mark: SourceVerification, record: models.Model) -> bool:
    """The record still holds what `mark` verified."""
    if mark.cleared_at is not None or getattr(record, "is_deleted", False):
        return False
    if mark.field_name:
        return value_text(record, mark.field_name) == mark.value
    return record.row_version == mark.row_version


def marks_for(record: models.Model) -> dict[str, SourceVerification]:
    """field name ("" for the whole record) -> the mark that holds now."""
    ct = ContentType.objects.get_for_model(type(record))
    active = SourceVerification.objects.filter(content_type=ct, object_id=record.pk, cleared_at__isnull=True)
    return {m.field_name: m for m in active.select_related("verified_by") if holds(m, record)}


@transaction.atomic
def verify(*, user, record: models.Model, field_name: str = "") -> SourceVerification:
    """Mark the whole record (field_name "") or one critical field as verified against source."""
    if not has_role(user, *VERIFIERS):
        raise PermissionDenied(gettext("Only monitors verify source data."))
    if field_name and field_name not in critical_fields(type(record)):
        raise ValueError(gettext("Only the critical fields are verified one by one."))
    clear_after_change(record)  # a stale mark of the same scope makes room for the new one
    current = marks_for(record).get(field_name)
    if current is not None:
        return current
    with own_context(user=user.pk, reason=VERIFIED):
        return SourceVerification.objects.create(
            content_type=ContentType.objects.get_for_model(type(record)),
            object_id=record.pk,
            field_name=field_name,
            participant=locking.participant_of(record),
            site=site_of(record),
            verified_by=user,
            verified_at=timezone.now(),
            row_version=record.row_version,
            value=value_text(record, field_name) if field_name else "",
        )


def clear_after_change(record: models.Model) -> int:
    """Clear the marks of `record` that no longer hold (called after each save); how many were cleared."""
    ct = ContentType.objects.get_for_model(type(record))
    active = list(SourceVerification.objects.filter(content_type=ct, object_id=record.pk, cleared_at__isnull=True))
    if not active:
        return 0
    stored = type(record)._base_manager.get(pk=record.pk)  # as stored ("2.00", not the form's "2")
    stale = [m.pk for m in active if not holds(m, stored)]
    if not stale:
        return 0
    with own_context(user=getattr(record, "updated_by_id", None), reason=CLEARED):
        return SourceVerification.objects.filter(pk__in=stale).update(cleared_at=timezone.now(), cleared_reason=CLEARED)


# --- Progress and what is left to verify (plain rows for integrity.rules) -----------------------------------


def _participant_lookups(model: type[models.Model]) -> tuple[str | None, str | None]:
    """values() paths to the record's participant: its pk, its participant ID (None, None: no participant)."""
    opath = participant_object_path(model)
    if opath is None:
        return None, None
    if opath == "":
        return "pk", "participant_id"
    return f"{opath}__pk", f"{opath}__participant_id"


def _read(model: type[models.Model], qs: models.QuerySet, values: list, participant_ids: dict[int, str]) -> None:
    """Append the critical values with a value of the records of `qs` (one query)."""
    spath, tpath = site_path(model), timepoint_path(model)
    ppk, pid = _participant_lookups(model)
    names = [model._meta.get_field(f).attname for f in critical_fields(model)]
    extra = [p for p in (ppk, pid, tpath) if p]
    for row in qs.values("pk", "row_version", f"{spath}__pk", *extra, *names):
        participant = row[ppk] if ppk else None
        if participant is not None and pid:
            participant_ids[participant] = row[pid]
        timepoint = row[tpath] if tpath else ""
        for field, attname in zip(critical_fields(model), names, strict=True):
            if row[attname] is None or row[attname] == "":
                continue
            values.append(rules.CriticalValue(
                model=model._meta.label, record_id=row["pk"], field=field, value=str(row[attname]),
                row_version=row["row_version"], participant_id=participant, site_id=row[f"{spath}__pk"],
                timepoint="" if timepoint is None else str(timepoint),
            ))


def critical_values(user) -> tuple[list[rules.CriticalValue], dict[int, str]]:
    """The critical fields with a value of the live records of the user's sites (one query per model), and
    participant pk -> participant ID."""
    values: list[rules.CriticalValue] = []
    participant_ids: dict[int, str] = {}
    for model in verifiable_models():
        if site_path(model) is not None:
            _read(model, model.objects.visible_to(user), values, participant_ids)
    return values, participant_ids


def critical_values_of(participant_pks: list[int], models: list[type[models.Model]]) -> list[rules.CriticalValue]:
    """The critical fields with a value of the live records of these participants, read from `models` (those
    with critical fields and a participant): one query per model, whatever the number of participants."""
    values: list[rules.CriticalValue] = []
    for model in models:
        ppk, _ = _participant_lookups(model)
        if not critical_fields(model) or ppk is None or site_path(model) is None:
            continue
        _read(model, model.objects.live().filter(**{f"{ppk}__in": participant_pks}), values, {})
    return values


def _marks(rows: models.QuerySet, values: list[rules.CriticalValue], *, with_cleared: bool = False
           ) -> list[rules.VerificationMark]:
    """The marks of `rows` on records of the forms `values` come from (one query; the content types come from
    Django's cache, or one more query the first time)."""
    wanted = [apps.get_model(label) for label in sorted({v.model for v in values})]
    if not wanted:
        return []
    labels = {ct.pk: model._meta.label for model, ct in ContentType.objects.get_for_models(*wanted).items()}
    rows = rows.filter(content_type__in=labels)
    if not with_cleared:
        rows = rows.filter(cleared_at__isnull=True)
    return [
        rules.VerificationMark(labels[r["content_type"]], r["object_id"], r["field_name"], r["value"],
                               r["row_version"], cleared=r["cleared_at"] is not None)
        for r in rows.values("content_type", "object_id", "field_name", "value", "row_version", "cleared_at")
    ]


def active_marks(user, values: list[rules.CriticalValue]) -> list[rules.VerificationMark]:
    return _marks(SourceVerification.objects.visible_to(user), values)


def marks_ever(user, values: list[rules.CriticalValue]) -> list[rules.VerificationMark]:
    """Every mark of the user's sites, the cleared ones too (they say a record was verified before an edit)."""
    return _marks(SourceVerification.objects.visible_to(user), values, with_cleared=True)


def active_marks_of(participant_pks: list[int], values: list[rules.CriticalValue]) -> list[rules.VerificationMark]:
    """The current marks of these participants' records (one query). A mark made before its screening record
    had a participant names none: those are read by the sites of `values`."""
    sites = {v.site_id for v in values}
    scope = Q(participant_id__in=participant_pks) | Q(participant__isnull=True, site_id__in=sites)
    return _marks(SourceVerification.objects.filter(scope), values)


def progress(user) -> dict:
    """Verification progress per site and per participant of the user's sites (a fixed number of queries)."""
    values, participant_ids = critical_values(user)
    marks = active_marks(user, values)
    by_site = rules.verification_progress(values, marks, key=lambda v: v.site_id)
    by_participant = rules.verification_progress(
        [v for v in values if v.participant_id is not None], marks, key=lambda v: v.participant_id
    )
    return {"by_site": by_site, "by_participant": by_participant, "participant_ids": participant_ids}


def records_to_verify(user) -> tuple[list[rules.RecordToVerify], dict[int, str]]:
    """The records of the user's participants with a critical value no current mark verifies (one query per
    form with critical fields and one for the marks), and participant pk -> participant ID."""
    values, participant_ids = critical_values(user)
    values = [v for v in values if v.participant_id is not None]
    return rules.records_not_verified(values, marks_ever(user, values)), participant_ids

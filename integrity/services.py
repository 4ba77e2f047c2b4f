"""The one write path for clinical records: reason for change, locks, no lost updates, no double submits.

Every clinical form view saves through `save_record` and removes through `soft_delete_record`. The audit
rows themselves are written by database triggers (see integrity.models); this module supplies their
context (who and why) and refuses what must not be written.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, models, transaction
from django.forms import ModelForm
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, override

from integrity import edit_checks, locking, signatures, texts, verification
from integrity.audit_context import own_context
from integrity.lock_triggers import locked_message
from integrity.models import FormSubmission

INITIAL_ENTRY = texts.INITIAL_ENTRY  # stored in English (integrity.texts)
CONFLICT = gettext_noop(
    "Someone else saved this record while you were editing it (%(names)s changed). Nothing was saved."
)
REASON_REQUIRED = gettext_noop("A reason for change is required to edit saved data.")
REMOVAL_REASON_REQUIRED = gettext_noop("A reason is required to remove a record.")


class RecordLocked(Exception):
    """The record (or its participant, timepoint or the whole study) is locked. Its text is English (the lock
    trigger's words); `shown()` gives it in the reader's language."""

    def shown(self) -> str:
        return texts.shown(str(self))


@dataclass
class EditConflict(Exception):
    """Someone saved the record after this form was loaded."""

    current: models.Model
    changed: dict[str, tuple[object, object]]  # field label -> (the user's entry, the value saved meanwhile)

    def __str__(self) -> str:
        with override("en-gb"):
            return self._text()

    def shown(self) -> str:
        """The refusal in the reader's language (str() is English, for logs)."""
        return self._text()

    def _text(self) -> str:
        names = ", ".join(str(name) for name in self.changed) or gettext("the record")
        return gettext(CONFLICT) % {"names": names}


def participant_of(instance: models.Model):
    """The participant a clinical record belongs to (models name the path in `participant_lookup`)."""
    path = getattr(type(instance), "participant_lookup", None)
    if path is None:
        return None
    obj = instance
    for part in path.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


@contextmanager
def refused_by_lock(refusal: type[Exception] = RecordLocked) -> Iterator[None]:
    """The last line behind the friendly checks: the database's lock trigger refused the write (a lock made
    between the check and the write, or a path the check does not know): `refusal` with its message, which the
    view shows like any other refusal, instead of a database error."""
    try:
        yield
    except DatabaseError as exc:
        if (why := locked_message(exc)) is None:
            raise
        raise refusal(why) from exc


def _differences(form: ModelForm, current: models.Model) -> dict[str, tuple[object, object]]:
    """Fields where the user's entry differs from what is saved now."""
    names = {f.name for f in current._meta.concrete_fields}
    return {
        str(form.fields[name].label or name): (form.cleaned_data.get(name), getattr(current, name))
        for name in form.fields
        if name in names and form.cleaned_data.get(name) != getattr(current, name)
    }


class _SubmissionRaced(Exception):
    """The submission token was claimed by a second request after this one looked it up."""


def save_record(
    form: ModelForm,
    *,
    user,
    reason: str = "",
    expected_version: int | None = None,
    submission_token: uuid.UUID | None = None,
) -> models.Model:
    """Save a validated ModelForm's instance with audit context; refuse locked data and stale edits."""
    try:
        return _save_record(
            form, user=user, reason=reason, expected_version=expected_version, submission_token=submission_token
        )
    except _SubmissionRaced:
        # The whole save was rolled back (the atomic block of _save_record): keep the first record only.
        return FormSubmission.find(submission_token)


def claim_submission(token: uuid.UUID, obj: models.Model) -> bool:
    """Record `token` as the submission that made `obj`: one INSERT ... ON CONFLICT DO NOTHING, so a token
    already taken (a double submit that raced in) answers False without an error, and the transaction needs no
    savepoint around it. A concurrent claim of the same token waits for the other transaction to end."""
    meta, quote = FormSubmission._meta, connection.ops.quote_name
    table, token_column = quote(meta.db_table), quote(meta.get_field("token").column)
    names = ("token", "content_type", "object_id", "created_at")
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    values = "%s, %s, %s, %s"  # the names above are the model's own, quoted; every value is a parameter
    sql = f"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT ({token_column}) DO NOTHING RETURNING 1"  # noqa: S608  # nosec B608
    content_type = ContentType.objects.get_for_model(obj)
    with connection.cursor() as cursor:
        cursor.execute(sql, [token, content_type.pk, obj.pk, timezone.now()])
        return cursor.fetchone() is not None


@transaction.atomic
def _save_record(
    form: ModelForm,
    *,
    user,
    reason: str,
    expected_version: int | None,
    submission_token: uuid.UUID | None,
) -> models.Model:
    instance = form.instance
    model = type(instance)
    if instance._state.adding:
        if submission_token is not None:
            existing = FormSubmission.find(submission_token)
            if existing is not None:
                return existing  # a double submit: the first one already created the record
        # Locks: the database's lock trigger refuses the INSERT with the same words as locking.lock_message
        # (refused_by_lock turns it into RecordLocked); a second look at the locks here would only cost a query.
        instance.created_by = user
        instance.updated_by = user
        # A first entry needs no reason; a batch (the lab import) names itself.
        with own_context(reason=reason.strip() or INITIAL_ENTRY, user=user.pk), refused_by_lock():
            obj = form.save()
        _after_change(obj, known=_known(form), created=True)
        if submission_token is not None and not claim_submission(submission_token, obj):
            raise _SubmissionRaced  # rolls back this whole save (record, audit rows, queries) in _save_record
        return obj

    current = model._base_manager.select_for_update().get(pk=instance.pk)
    if expected_version is None or current.row_version != expected_version:
        if (why := locking.edit_blocked_reason(current)) is not None:
            raise RecordLocked(why)  # a lock says more than "changed meanwhile"
        raise EditConflict(current=current, changed=_differences(form, current))
    if not reason.strip():
        if (why := locking.edit_blocked_reason(current)) is not None:
            raise RecordLocked(why)
        raise ValueError(REASON_REQUIRED)
    changed = changed_fields(instance, current)
    instance.row_version = current.row_version + 1
    instance.updated_by = user
    with own_context(reason=reason.strip(), user=user.pk), refused_by_lock():
        obj = form.save()
    _after_change(obj, changed, _known(form))
    return obj


def _known(form: ModelForm) -> dict | None:
    """What the form read while validating (ClinicalRecordForm.edit_check_cache), for the edit checks."""
    cache = getattr(form, "edit_check_cache", None)
    return cache() if callable(cache) else None


BOOKKEEPING_FIELDS = frozenset({"row_version", "updated_by", "updated_at", "created_by", "created_at"})


def changed_fields(instance: models.Model, current: models.Model) -> frozenset[str]:
    """Names of the concrete fields whose value differs between the edited instance and the saved row."""
    return frozenset(
        f.name
        for f in current._meta.concrete_fields
        if f.name not in BOOKKEEPING_FIELDS and getattr(instance, f.attname) != getattr(current, f.attname)
    )


# Records a user may remove (soft delete) through the removal form. A participant leaves the trial through
# the status lifecycle (off study, with a reason), and status changes are that lifecycle's own history.
NOT_REMOVABLE = frozenset({"enrollment.Participant", "enrollment.StatusChange"})


def removable(model: type[models.Model]) -> bool:
    return model._meta.label not in NOT_REMOVABLE


@transaction.atomic
def soft_delete_record(instance: models.Model, *, user, reason: str) -> models.Model:
    """Remove a record from the live data, keeping it (and its history) in the database."""
    if not reason.strip():
        raise ValueError(REMOVAL_REASON_REQUIRED)
    current = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    if (why := locking.edit_blocked_reason(current)) is not None:
        raise RecordLocked(why)
    current.is_deleted = True
    current.deleted_at = timezone.now()
    current.deleted_reason = reason.strip()
    current.row_version += 1
    current.updated_by = user
    with own_context(reason=texts.stored(texts.REMOVED, reason=reason.strip()), user=user.pk), refused_by_lock():
        current.save()
    _after_change(current)
    return current


def _after_change(
    obj: models.Model, changed: frozenset[str] | None = None, known: dict | None = None, created: bool = False
) -> None:
    """Consequences of a change, in the same transaction but outside its audit context (their own
    audit rows carry their own reason): the automatic edit checks a changed field can affect (`changed`:
    None for a new or removed record; `known`: what the form has read already, edit_checks.run_for_participant),
    signatures the change breaks, source data verifications it makes stale (none on a record `created` by this
    transaction: nothing could verify it before it existed)."""
    edit_checks.run_for_record(obj, changed, known, created)
    signatures.check_after_change(obj)
    if not created:
        verification.clear_after_change(obj)

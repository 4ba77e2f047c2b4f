"""Whether a clinical record may be created or edited now (participant, timepoint and study locks).

`save_record` and `soft_delete_record` ask here before every write, so a lock holds for everyone
(data managers included) whatever the view. A record's participant and timepoint come from the
model's `participant_lookup` / `timepoint_lookup` (integrity.model_meta reads them).
"""

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from blinatrial.dates import shown_utc
from integrity import texts
from integrity.audit_context import own_context
from integrity.model_meta import participant_object_path, timepoint_path
from integrity.models import Lock, LockScope


def _walk(obj, path: str | None):
    if path is None:
        return None
    for part in path.split("__"):
        try:
            obj = getattr(obj, part, None)
        except Exception:  # noqa: BLE001 - an unsaved relation or a missing reverse one-to-one
            return None
        if obj is None:
            return None
    return obj


def participant_path(model: type[models.Model]) -> str | None:
    """ORM path from `model` to its enrollment.Participant ("" for the participant itself)."""
    return participant_object_path(model)


def participant_of(instance: models.Model):
    path = participant_path(type(instance))
    if path == "":
        return instance if instance.pk else None
    return _walk(instance, path)


def timepoint_of(instance: models.Model) -> str | None:
    value = _walk(instance, timepoint_path(type(instance)))
    return None if value in (None, "") else str(value)


def active_locks_for(participant) -> models.QuerySet:
    """Active study locks and the participant's own active locks (one query when evaluated)."""
    scope = Q(scope=LockScope.STUDY)
    if participant is not None:
        scope |= Q(participant=participant)
    return Lock.objects.filter(scope, unlocked_at__isnull=True).order_by("locked_at")


def blocking_lock(instance: models.Model) -> Lock | None:
    """The active lock that covers `instance` (or a new record like it), else None."""
    participant = participant_of(instance)
    timepoint = timepoint_of(instance)
    for lock in active_locks_for(participant).select_related("participant", "locked_by"):
        if lock.scope != LockScope.TIMEPOINT or timepoint == lock.timepoint:
            return lock
    return None


def lock_message(lock: Lock) -> str:
    # the same words as the lock trigger's refusal (integrity.lock_triggers._SINCE, installed by each clinical
    # app's migrations): 29 Nov 2026 14:05 UTC
    # In the reader's language (texts.shown gives the trigger's English refusal the same words).
    values = {"since": shown_utc(lock.locked_at), "participant": lock.participant, "timepoint": lock.timepoint}
    if lock.scope == LockScope.STUDY:
        return gettext(texts.STUDY_FROZEN) % values
    if lock.scope == LockScope.PARTICIPANT:
        return gettext(texts.PARTICIPANT_LOCKED) % values
    return gettext(texts.TIMEPOINT_LOCKED) % values


def lock_scope_words(lock: Lock) -> str:
    """What the lock covers, in words."""
    if lock.scope == LockScope.STUDY:
        return gettext("the whole study (database freeze)")
    if lock.scope == LockScope.PARTICIPANT:
        return gettext("participant %(participant)s") % {"participant": lock.participant}
    return gettext("timepoint %(timepoint)s of participant %(participant)s") % {
        "timepoint": lock.timepoint, "participant": lock.participant
    }


def _blocked_reason(instance: models.Model) -> str | None:
    lock = blocking_lock(instance)
    return None if lock is None else lock_message(lock)


def edit_blocked_reason(instance: models.Model) -> str | None:
    """A human message if `instance` is locked against edits, else None."""
    return _blocked_reason(instance)


def create_blocked_reason(instance: models.Model) -> str | None:
    """A human message if a new record like `instance` may not be added now, else None."""
    return _blocked_reason(instance)


@transaction.atomic
def lock(*, user, scope: str, participant=None, timepoint: str = "", reason: str = "") -> Lock:
    """Lock the study, a participant or a participant's timepoint (an already active same lock is reused)."""
    existing = Lock.objects.filter(
        scope=scope, participant=participant, timepoint=timepoint or "", unlocked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    with own_context(user=user.pk, reason=reason or texts.LOCKED):
        return Lock.objects.create(
            scope=scope,
            participant=participant,
            timepoint=timepoint or "",
            locked_by=user,
            locked_at=timezone.now(),
            reason=reason,
        )


@transaction.atomic
def unlock(the_lock: Lock, *, user, reason: str) -> Lock:
    """End a lock; a reason is required and kept (the change is in the audit trail)."""
    if not reason.strip():
        raise ValueError(gettext("A reason is required to unlock."))
    current = Lock.objects.select_for_update().get(pk=the_lock.pk)
    if current.unlocked_at is not None:
        return current
    current.unlocked_at = timezone.now()
    current.unlocked_by = user
    current.unlock_reason = reason.strip()
    with own_context(user=user.pk, reason=texts.stored(texts.UNLOCKED, reason=reason.strip())):
        current.save()
    return current

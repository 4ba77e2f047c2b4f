"""The shape every clinical record shares, and the data version that the endpoint engine follows.

Audit: `clinical_record` tracks a model with django-pghistory, whose PostgreSQL triggers write an
event row for every insert and update (ORM, admin, QuerySet.update(), raw SQL or migrations alike);
PGHISTORY_APPEND_ONLY makes those rows immutable. Hard deletes are refused by a trigger: records
are soft-deleted with a reason. A statement-level trigger bumps `DataVersion` on every change, so
the endpoint engine can tell, whatever the write path, that its stored result is behind. Locks are
enforced by a trigger too, and TRUNCATE is refused (integrity.lock_triggers).
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blinatrial.access import SiteScopedQuerySet
from integrity.lock_triggers import LockTrigger, NoTruncate

DATA_VERSION_SQL = (
    "UPDATE integrity_dataversion SET version = version + 1, changed_at = now() WHERE id = 1; RETURN NULL;"
)


class ClinicalRecord(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Optimistic concurrency: a save must name the version it was edited from.
    row_version = models.PositiveIntegerField(_("row version"), default=1, editable=False)
    is_deleted = models.BooleanField(_("is deleted"), default=False, editable=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_reason = models.CharField(_("deleted reason"), max_length=500, blank=True, editable=False)

    class Meta:
        abstract = True
        triggers = [
            pgtrigger.Protect(name="no_hard_delete", operation=pgtrigger.Delete),
            NoTruncate(),
            pgtrigger.Trigger(
                name="bump_data_version",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                level=pgtrigger.Statement,
                func=DATA_VERSION_SQL,
            ),
        ]


def clinical_record(model: type[models.Model]) -> type[models.Model]:
    """Class decorator: audit every insert and update of `model` in the trigger-based trail, note the
    participant of each changed row (ParticipantChange) when the record belongs to one, and refuse a
    change that an active lock covers (integrity.lock_triggers.LockTrigger)."""
    model = pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
    )(model)
    pgtrigger.register(_participant_change_trigger(model), LockTrigger(model))(model)
    return model


def _participant_sql(model: type[models.Model], row: str) -> str | None:
    """SQL giving the participant pk of trigger row `row` (NEW or OLD) of `model`, or None when the record
    belongs to no participant (screening, consent). Follows `participant_lookup` ("participant" or
    "<fk>__participant"); the Participant table is its own participant."""
    if model._meta.db_table == "enrollment_participant":
        return f"{row}.id"
    lookup = getattr(model, "participant_lookup", None)
    if lookup is None and any(f.name == "participant" for f in model._meta.local_fields):
        lookup = "participant"
    if lookup is None:
        return None
    parts = lookup.split("__")
    if parts == ["participant"]:
        return f"{row}.participant_id"
    if len(parts) == 2 and parts[1] == "participant":
        fk = model._meta.get_field(parts[0])
        parent = fk.remote_field.model._meta.db_table  # a model defined above it in its module
        # trigger body built from model metadata (table and column names), never from input
        return f"(SELECT participant_id FROM {parent} WHERE id = {row}.{fk.column})"  # noqa: S608  # nosec B608
    raise ValueError(f"{model.__name__}.participant_lookup {lookup!r}: expected participant or <fk>__participant")


def _participant_change_trigger(model: type[models.Model]) -> pgtrigger.Trigger:
    """Row-level: every insert or update queues its participant in integrity_participantchange (both
    participants when an update moves the row from one to another), in the writing transaction; a record of
    no participant (screening, consent) queues a row without one: the screening funnel changed."""
    new, old = _participant_sql(model, "NEW"), _participant_sql(model, "OLD")
    if new is None:
        return pgtrigger.Trigger(
            name="note_participant_change",
            when=pgtrigger.After,
            operation=pgtrigger.Insert | pgtrigger.Update,
            level=pgtrigger.Row,
            func="INSERT INTO integrity_participantchange (participant_pk) VALUES (NULL); RETURN NULL;",
        )
    insert = (
        "INSERT INTO integrity_participantchange (participant_pk) SELECT p FROM (SELECT {}) AS x(p) "
        "WHERE p IS NOT NULL;"
    )
    return pgtrigger.Trigger(
        name="note_participant_change",
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Update,
        level=pgtrigger.Row,
        func=(
            insert.format(new)
            + f" IF TG_OP = 'UPDATE' AND ({old}) IS DISTINCT FROM ({new}) THEN "
            + insert.format(old)
            + " END IF; RETURN NULL;"
        ),
    )


class DataVersion(models.Model):
    """One row (id=1): `version` increases with every committed change to clinical data (the endpoint engine
    follows it); `display_version` with every committed change to the other tables pages show: queries, locks,
    signatures, source verification, users and their roles, sites, study settings (integrity.display_version).
    Both are bumped in the writing transaction, on this one row, so a reader that sees a version sees its data."""

    version = models.BigIntegerField(default=0)
    display_version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)

    class Meta:
        triggers = [NoTruncate()]

    def __str__(self) -> str:
        return f"data version {self.version}"


class FormSubmission(models.Model):
    """The one-time token of a data-entry form: a double submit finds the record the first one made."""

    token = models.UUIDField(unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.token)

    @classmethod
    def find(cls, token) -> models.Model | None:
        sub = cls.objects.filter(token=token).select_related("content_type").first()
        return sub.content_object if sub else None


class ParticipantChange(models.Model):
    """A participant whose clinical data changed, written by a row trigger on every clinical table
    (integrity.models.clinical_record), in the transaction of the change, whatever the write path; no
    participant (null) = a screening or consent record changed (the top of the CONSORT funnel). The
    endpoint engine re-derives these participants only, and deletes the rows it has handled
    (endpoints.services.store_snapshot), by id: a change committed meanwhile stays queued."""

    participant_pk = models.BigIntegerField(null=True)

    class Meta:
        triggers = [NoTruncate()]

    def __str__(self) -> str:
        return f"participant {self.participant_pk} changed"


def current_data_version() -> int:
    return DataVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def current_versions() -> tuple[int, int]:
    """(data version, display version), read in one statement: together they change with everything a page
    built from the database shows (see DataVersion)."""
    return DataVersion.objects.filter(pk=1).values_list("version", "display_version").first() or (0, 0)


# Changes to user accounts and roles (group membership) are audited too; password hashes and
# last-login stamps are left out of the trail. The triggers hang on proxy models of this app so
# that their migrations live here, not in django.contrib.auth's own migration folder.
_User = get_user_model()


class AuditedUser(_User):
    class Meta:
        proxy = True


class AuditedUserRole(_User.groups.through):
    class Meta:
        proxy = True


pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    exclude=["password", "last_login"],
    model_name="UserEvent",
)(AuditedUser)
pghistory.track(
    pghistory.InsertEvent(),
    pghistory.DeleteEvent(),
    model_name="UserRoleEvent",
)(AuditedUserRole)


# ---------------------------------------------------------------------------------------------------
# Data queries, e-signatures and locks. Each is tracked in the trigger-based trail too.


class QueryStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class DataQuery(models.Model):
    """A discrepancy raised on one field of one clinical record (by a person or an automatic edit check)."""

    site_lookup = "site"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field_name = models.CharField(max_length=100)
    participant = models.ForeignKey(
        "enrollment.Participant", on_delete=models.PROTECT, null=True, blank=True, related_name="data_queries"
    )
    site = models.ForeignKey("enrollment.Site", on_delete=models.PROTECT, related_name="data_queries")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    status = models.CharField(max_length=10, choices=QueryStatus.choices, default=QueryStatus.OPEN)
    check_code = models.CharField(max_length=60, blank=True, help_text="Automatic edit check that raised it.")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["participant", "status"]),
            models.Index(fields=["content_type", "object_id", "status"]),
        ]
        constraints = [
            # One open automatic query per check, record and field.
            models.UniqueConstraint(
                fields=["check_code", "content_type", "object_id", "field_name"],
                condition=~models.Q(check_code="") & ~models.Q(status="closed"),
                name="one_live_auto_query",
            )
        ]

    def __str__(self) -> str:
        return f"query #{self.pk} on {self.field_name}"

    @property
    def is_automatic(self) -> bool:
        return bool(self.check_code)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class QueryMessage(models.Model):
    query = models.ForeignKey(DataQuery, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, default="message")  # raise | answer | close | reopen | auto
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on query #{self.query_id}"


class SignatureMeaning(models.TextChoices):
    APPROVED = "approved", _("Reviewed and approved")
    AUTHOR = "author", _("Author")
    REVIEWED = "reviewed", _("Reviewed")
    RESPONSIBILITY = "responsibility", _("Responsibility (principal investigator)")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Signature(models.Model):
    """An investigator's e-signature of a participant's timepoint (e.g. EOC1) or whole casebook."""

    participant = models.ForeignKey("enrollment.Participant", on_delete=models.PROTECT, related_name="signatures")
    timepoint = models.CharField(max_length=20, blank=True, help_text="Empty: the whole casebook.")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_name = models.CharField(max_length=200)
    meaning = models.CharField(max_length=20, choices=SignatureMeaning.choices)
    signed_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    # Set when a later change is first seen to break the signature (the change itself is in the trail).
    invalidated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.printed_name} {self.get_meaning_display()} {self.scope_label}"

    @property
    def scope_label(self) -> str:
        return self.timepoint or gettext("casebook")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class SourceVerification(models.Model):
    """A monitor's mark that a clinical record (`field_name` empty) or one of its critical fields matches the
    source document. It holds while the record still holds what was verified (the row version for the whole
    record, the value for a field); an edit through the write path clears it (`cleared_at`, with the reason,
    in the audit trail). Rows are never deleted (a trigger refuses it): a new verification is a new row."""

    site_lookup = "site"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field_name = models.CharField(max_length=100, blank=True, help_text="Empty: the whole record.")
    participant = models.ForeignKey(
        "enrollment.Participant", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey("enrollment.Site", on_delete=models.PROTECT, related_name="+")
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField()
    row_version = models.PositiveIntegerField(help_text="The record's version when verified.")
    value = models.TextField(blank=True, help_text="The field's value when verified (field marks).")
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_reason = models.CharField(max_length=200, blank=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-verified_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field_name"],
                condition=models.Q(cleared_at__isnull=True),
                name="one_active_source_verification",
            ),
        ]
        triggers = [pgtrigger.Protect(name="source_verification_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"source verification of {self.field_name or 'the record'}"


class LockScope(models.TextChoices):
    STUDY = "study", _("Whole study (freeze)")
    PARTICIPANT = "participant", _("Participant")
    TIMEPOINT = "timepoint", _("Participant timepoint")


class LockQuerySet(SiteScopedQuerySet):
    """A participant's or timepoint's lock goes with the participant's site; a study freeze concerns every
    site, so every data manager sees it (only one who sees every site may make or end one)."""

    def sites_q(self, site_ids) -> models.Q:
        if site_ids is None:
            return models.Q()
        return models.Q(scope=LockScope.STUDY) | models.Q(participant__site__in=list(site_ids))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Lock(models.Model):
    """A data lock; active while `unlocked_at` is empty. Unlocking keeps the row (with its reason)."""

    site_lookup = "participant__site"

    scope = models.CharField(max_length=12, choices=LockScope.choices)
    participant = models.ForeignKey(
        "enrollment.Participant", on_delete=models.PROTECT, null=True, blank=True, related_name="locks"
    )
    timepoint = models.CharField(max_length=20, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    locked_at = models.DateTimeField()
    reason = models.CharField(max_length=400, blank=True)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unlocked_at = models.DateTimeField(null=True, blank=True)
    unlock_reason = models.CharField(max_length=400, blank=True)

    objects = LockQuerySet.as_manager()

    class Meta:
        ordering = ["-locked_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope="study", participant__isnull=True, timepoint="")
                    | models.Q(scope="participant", participant__isnull=False, timepoint="")
                    | (models.Q(scope="timepoint", participant__isnull=False) & ~models.Q(timepoint=""))
                ),
                name="lock_scope_shape",
            ),
            models.CheckConstraint(
                condition=models.Q(unlocked_at__isnull=True) | ~models.Q(unlock_reason=""),
                name="unlock_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        if self.scope == LockScope.STUDY:
            return gettext("study freeze")
        if self.scope == LockScope.PARTICIPANT:
            return gettext("lock of %(participant)s") % {"participant": self.participant}
        return gettext("lock of %(participant)s %(timepoint)s") % {
            "participant": self.participant, "timepoint": self.timepoint
        }

    @property
    def active(self) -> bool:
        return self.unlocked_at is None


# ---------------------------------------------------------------------------------------------------
# The security event log: sign-ins, lockouts, second factors, passwords, roles and sites, snapshot downloads.


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    LOCKED_OUT = "locked_out", _("Locked out")
    TWO_FACTOR_ENROLLED = "2fa_enrolled", _("Second factor enrolled")
    TWO_FACTOR_VERIFIED = "2fa_verified", _("Second factor verified")
    TWO_FACTOR_FAILED = "2fa_failed", _("Second factor failed")
    TWO_FACTOR_RESET = "2fa_reset", _("Second factor reset")
    RECOVERY_CODES = "recovery_codes", _("Recovery codes issued")
    PASSWORD_CHANGED = "password_changed", _("Password set or changed")
    ROLE_ADDED = "role_added", _("Role added")
    ROLE_REMOVED = "role_removed", _("Role removed")
    SITE_ADDED = "site_added", _("Site added")
    SITE_REMOVED = "site_removed", _("Site removed")
    SITE_SCOPE_CHANGED = "site_scope", _("All-sites access changed")
    SNAPSHOT_DOWNLOADED = "snapshot_download", _("Snapshot downloaded")


class SecurityEventQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SecurityEventQuerySet":
        """Every event for a user who sees every site; else the events of the accounts that share one of the
        viewer's sites (the viewer's own included). Events of no known account (a failed sign-in with an
        unknown username) are for all-sites viewers only."""
        from blinatrial.access import visible_site_ids

        site_ids = visible_site_ids(user)
        if site_ids is None:
            return self
        colleagues = _User._base_manager.filter(trial_sites__in=site_ids).values("pk")
        return self.filter(models.Q(user__in=colleagues) | models.Q(user=user.pk))


class SecurityEvent(models.Model):
    """One security-relevant event; append-only (a trigger refuses UPDATE and DELETE, the application role holds
    neither privilege, and TRUNCATE is refused)."""

    append_only = True  # blinatrial.db_roles revokes UPDATE and DELETE from the application role

    kind = models.CharField(max_length=20, choices=SecurityEventKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The account concerned; kept as a plain reference (no constraint) so the log outlives an account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True, help_text="As typed, for a failed sign-in.")
    # Who made the change, when it is not the account itself (an administrator's reset, a role change).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["user", "occurred_at"])]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            NoTruncate(),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username}"

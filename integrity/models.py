"""The shape every clinical record shares, and the data version that the endpoint engine follows.

Audit: `clinical_record` tracks a model with django-pghistory, whose PostgreSQL triggers write an
event row for every insert and update (ORM, admin, QuerySet.update(), raw SQL or migrations alike);
PGHISTORY_APPEND_ONLY makes those rows immutable. Hard deletes are refused by a trigger: records
are soft-deleted with a reason. A statement-level trigger bumps `DataVersion` on every change, so
the endpoint engine can tell, whatever the write path, that its stored result is behind.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

DATA_VERSION_SQL = (
    "UPDATE integrity_dataversion SET version = version + 1, changed_at = now() WHERE id = 1; RETURN NULL;"
)


class ClinicalRecord(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Optimistic concurrency: a save must name the version it was edited from.
    row_version = models.PositiveIntegerField(default=1, editable=False)
    is_deleted = models.BooleanField(default=False, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_reason = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        abstract = True
        triggers = [
            pgtrigger.Protect(name="no_hard_delete", operation=pgtrigger.Delete),
            pgtrigger.Trigger(
                name="bump_data_version",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                level=pgtrigger.Statement,
                func=DATA_VERSION_SQL,
            ),
        ]


def clinical_record(model: type[models.Model]) -> type[models.Model]:
    """Class decorator: audit every insert and update of `model` in the trigger-based trail."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
    )(model)


class DataVersion(models.Model):
    """One row (id=1): increases with every committed change to clinical data."""

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)

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


def current_data_version() -> int:
    return DataVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


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

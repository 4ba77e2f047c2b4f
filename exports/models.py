"""CSV snapshots: one row per built (or building) zip file, and one row per download.

Both are audited by django-pghistory triggers: who asked for a snapshot, when it was built, what it
holds (cut-off, sites, versions, SHA-256), and every download. Progress updates are left out of the
trail (they change every second and say nothing about the data).
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blinatrial.dates import shown_utc


class SnapshotStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    exclude=["progress", "progress_label"],
)
class Snapshot(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a snapshot made from the command line without --user.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=SnapshotStatus.choices, default=SnapshotStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)], help_text="%")
    progress_label = models.CharField(max_length=200, blank=True)
    cutoff = models.DateField(_("data cut-off"))
    sites = models.JSONField(null=True, blank=True, help_text="Site codes exported; empty (null) means every site.")
    data_version = models.BigIntegerField(null=True, blank=True)
    calc_version = models.CharField(max_length=20, blank=True)
    software_version = models.CharField(max_length=80, blank=True)
    file_name = models.CharField(max_length=255, blank=True, help_text="Relative to settings.EXPORT_ROOT.")
    size_bytes = models.BigIntegerField(null=True, blank=True, help_text="bytes")
    sha256 = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        triggers = [
            # A snapshot is evidence of what was exported: it is never deleted.
            pgtrigger.Protect(name="snapshot_no_delete", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"snapshot {self.pk} (cut-off {self.cutoff})"

    @property
    def sites_label(self) -> str:
        return ", ".join(self.sites) if self.sites else gettext("All sites")

    @property
    def is_finished(self) -> bool:
        return self.status in (SnapshotStatus.DONE, SnapshotStatus.FAILED)


@pghistory.track(pghistory.InsertEvent())
class SnapshotDownload(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        triggers = [pgtrigger.Protect(name="snapshot_download_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.user} downloaded snapshot {self.snapshot_id} at {shown_utc(self.at)}"

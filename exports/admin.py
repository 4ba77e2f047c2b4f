"""Read-only admin: snapshots and downloads are evidence, changed only by the build and the download view."""

from django.contrib import admin

from exports.models import Snapshot, SnapshotDownload


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "created_by", "cutoff", "sites_label", "status", "size_bytes", "sha256")
    list_filter = ("status",)


@admin.register(SnapshotDownload)
class SnapshotDownloadAdmin(ReadOnlyAdmin):
    list_display = ("id", "snapshot", "user", "at")

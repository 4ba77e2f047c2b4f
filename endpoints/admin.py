from django.contrib import admin

from endpoints.models import EndpointSnapshot, RecomputeRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Derived data: rebuilt by the recompute task, never edited by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EndpointSnapshot)
class EndpointSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("cutoff", "data_version", "calc_version", "computed_at", "duration_ms", "n_participants")
    exclude = ("results",)


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "cutoff", "data_version", "outcome", "duration_ms")
    list_filter = ("outcome",)

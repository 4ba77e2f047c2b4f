from django.contrib import admin

from blinatrial.admin_base import ReadOnlyAdmin
from endpoints.models import EndpointSnapshot, RecomputeRun


@admin.register(EndpointSnapshot)
class EndpointSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("cutoff", "data_version", "calc_version", "computed_at", "duration_ms", "n_participants")
    exclude = ("results",)


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "cutoff", "data_version", "outcome", "duration_ms")
    list_filter = ("outcome",)

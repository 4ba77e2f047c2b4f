"""Read-only admin views of treatment data (edits go through the clinical forms and their audit path)."""

from django.contrib import admin

from blinatrial.admin_base import ReadOnlyAdmin
from cycles.models import Administration, BlinatumomabSegment, Cycle, Transplant, VisitRecord


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ("participant", "number", "day1_on", "bsa_m2", "status")
    list_select_related = ("participant",)


@admin.register(Administration)
class AdministrationAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "drug_code", "planned_on", "planned_dose_mg", "status", "given_on", "actual_dose_mg")
    list_select_related = ("cycle__participant",)


@admin.register(BlinatumomabSegment)
class BlinatumomabSegmentAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "started_at", "stopped_at", "rate_mcg_per_day", "stop_reason")
    list_select_related = ("cycle__participant",)


@admin.register(VisitRecord)
class VisitRecordAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "visit_code", "visited_on", "missed_reason")
    list_select_related = ("cycle__participant",)


@admin.register(Transplant)
class TransplantAdmin(ReadOnlyAdmin):
    list_display = ("participant", "transplanted_on", "donor_type", "conditioning_intensity")
    list_select_related = ("participant",)

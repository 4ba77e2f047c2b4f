"""Admin: sites, staff profiles and study settings are edited here (a data manager raises the target).

Clinical records are read-only in the admin: they change through the forms, with a reason for change.
"""

from django.contrib import admin

from blinatrial.admin_base import ReadOnlyAdmin
from enrollment.models import Consent, Participant, ScreeningRecord, Site, StaffProfile, StatusChange, StudySettings


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    filter_horizontal = ("users",)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "all_sites", "printed_name")


@admin.register(StudySettings)
class StudySettingsAdmin(admin.ModelAdmin):
    list_display = ("target_enrollment", "registry_id", "sponsor")

    def has_add_permission(self, request) -> bool:
        return not StudySettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScreeningRecord)
class ScreeningRecordAdmin(ReadOnlyAdmin):
    list_display = ("screening_number", "site", "screened_on", "status")
    list_filter = ("site", "status")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("screening", "document_version", "signed_on")


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ("participant_id", "site", "enrolled_on", "status")
    list_filter = ("site", "status")


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("participant", "from_status", "to_status", "changed_on")

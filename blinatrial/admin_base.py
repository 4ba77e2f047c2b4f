"""The one read-only ModelAdmin: clinical records change through the forms (with a reason for change),
derived data is rebuilt by tasks; the admin only shows them."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

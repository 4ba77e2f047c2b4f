"""URLs for tests only: an admin site on which a clinical model is editable.

The project's own admin keeps clinical records read-only (edits go through the forms, with a reason).
This site shows that if an administrator ever edits clinical data through Django's admin machinery, the
audit trail and the endpoint recompute follow all the same: both hang on the database, not on views.
"""

from django.contrib import admin
from django.urls import path

from blinatrial.urls import urlpatterns as project_urlpatterns
from enrollment.models import ScreeningRecord

site = admin.AdminSite(name="editable_admin")


@admin.register(ScreeningRecord, site=site)
class EditableScreeningAdmin(admin.ModelAdmin):
    fields = ("ecog",)


urlpatterns = [path("editable-admin/", site.urls), *project_urlpatterns]

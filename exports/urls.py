from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("", views.snapshot_list, name="snapshot-list"),
    path("new/", views.snapshot_create, name="snapshot-create"),
    path("<int:pk>/", views.snapshot_detail, name="snapshot-detail"),
    path("<int:pk>/status/", views.snapshot_status, name="snapshot-status"),
    path("<int:pk>/download/", views.snapshot_download, name="snapshot-download"),
]

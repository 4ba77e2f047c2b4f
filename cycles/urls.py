from django.urls import path

from cycles import views

app_name = "cycles"

urlpatterns = [
    path("due/", views.due_visits, name="due-visits"),
    path("participant/<int:participant_pk>/", views.participant_calendar, name="participant-calendar"),
    path("participant/<int:participant_pk>/start/", views.cycle_start, name="cycle-start"),
    path("participant/<int:participant_pk>/transplant/add/", views.transplant_add, name="transplant-add"),
    path("transplant/<int:pk>/edit/", views.transplant_edit, name="transplant-edit"),
    path("cycle/<int:cycle_pk>/", views.cycle_detail, name="cycle-detail"),
    path("cycle/<int:cycle_pk>/edit/", views.cycle_edit, name="cycle-edit"),
    path("cycle/<int:cycle_pk>/day/<int:day>/doses/", views.dose_grid, name="dose-grid"),
    path("cycle/<int:cycle_pk>/segment/add/", views.segment_add, name="segment-add"),
    path("cycle/<int:cycle_pk>/visit/<str:code>/", views.visit_record, name="visit-record"),
    path("segment/<int:pk>/edit/", views.segment_edit, name="segment-edit"),
    path("administration/<int:pk>/", views.administration_record, name="administration-record"),
]

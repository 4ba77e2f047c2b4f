from django.urls import path

from enrollment import views

app_name = "enrollment"

urlpatterns = [
    path("screening/", views.screening_list, name="screening-list"),
    path("screening/add/", views.screening_add, name="screening-add"),
    path("screening/<int:pk>/", views.screening_detail, name="screening-detail"),
    path("screening/<int:pk>/edit/", views.screening_edit, name="screening-edit"),
    path("screening/<int:pk>/screen-fail/", views.screening_fail, name="screening-fail"),
    path("screening/<int:pk>/consent/", views.consent_add, name="consent-add"),
    path("consents/<int:pk>/edit/", views.consent_edit, name="consent-edit"),
    path("screening/<int:pk>/enroll/", views.participant_enroll, name="participant-enroll"),
    path("participants/", views.participant_list, name="participant-list"),
    path("participants/<int:pk>/", views.participant_detail, name="participant-detail"),
    path("participants/<int:pk>/status/", views.participant_status, name="participant-status"),
    path("settings/", views.study_settings, name="study-settings"),
]

"""Unnamespaced status URLs (included by the root URLconf under /status/)."""

from django.urls import path

from enrollment import views

urlpatterns = [
    path("participants", views.participant_count, name="participant-count"),
]

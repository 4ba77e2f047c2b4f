from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("matrix/", views.status_matrix, name="status-matrix"),
    path("lab-import/", views.lab_result_import, name="lab-import"),
    path("participants/<int:participant_pk>/", views.participant_assessments, name="participant-assessments"),
    path("participants/<int:participant_pk>/eoc/<str:timepoint>/", views.eoc_detail, name="eoc-detail"),
]
for _kind in views.PARTICIPANT_FORMS:
    urlpatterns += [
        path(f"participants/<int:participant_pk>/{_kind}/add/", views.participant_record_add, {"kind": _kind},
             name=f"{_kind}-add"),
        path(f"{_kind}/<int:pk>/edit/", views.participant_record_edit, {"kind": _kind}, name=f"{_kind}-edit"),
    ]
for _kind in views.MARROW_FORMS:
    urlpatterns += [
        path(f"marrow/<int:marrow_pk>/{_kind}/add/", views.marrow_record_add, {"kind": _kind}, name=f"{_kind}-add"),
        path(f"{_kind}/<int:pk>/edit/", views.marrow_record_edit, {"kind": _kind}, name=f"{_kind}-edit"),
    ]

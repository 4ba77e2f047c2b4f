from django.urls import path

from safety import views

app_name = "safety"

urlpatterns = [
    path("participants/<int:participant_pk>/", views.participant_safety, name="participant-safety"),
    path("ae/<int:pk>/", views.ae_detail, name="ae-detail"),
    path("sae/", views.sae_list, name="sae-list"),
]
for _kind in views.PARTICIPANT_FORMS:
    urlpatterns += [
        path(
            f"participants/<int:participant_pk>/{_kind}/add/",
            views.participant_record_add,
            {"kind": _kind},
            name=f"{_kind}-add",
        ),
        path(f"{_kind}/<int:pk>/edit/", views.participant_record_edit, {"kind": _kind}, name=f"{_kind}-edit"),
    ]
for _kind in views.AE_FORMS:
    urlpatterns += [
        path(f"ae/<int:ae_pk>/{_kind}/add/", views.ae_record_add, {"kind": _kind}, name=f"{_kind}-add"),
        path(f"{_kind}/<int:pk>/edit/", views.ae_record_edit, {"kind": _kind}, name=f"{_kind}-edit"),
    ]

from django.urls import path

from integrity import account_views, verification_views, views

app_name = "integrity"

urlpatterns = [
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/participant/<int:pk>/", views.participant_audit, name="participant-audit"),
    path("audit/record/<int:ct_id>/<int:pk>/", views.record_audit, name="record-audit"),
    path("audit/record/<int:ct_id>/<int:pk>/<str:field>/", views.field_history, name="field-history"),
    path("records/<int:ct_id>/<int:pk>/remove/", views.record_remove, name="record-remove"),
    path("queries/", views.query_list, name="query-list"),
    path("queries/raise/<int:ct_id>/<int:pk>/", views.query_raise, name="query-raise"),
    path("queries/<int:pk>/", views.query_detail, name="query-detail"),
    path("queries/<int:pk>/<str:action>/", views.query_action, name="query-action"),
    path("sign/<int:pk>/", views.sign, name="sign"),
    path("signed/<int:pk>/", views.signature_print, name="signature-print"),
    path("locks/", views.lock_list, name="lock-list"),
    path("locks/new/", views.lock_create, name="lock-create"),
    path("locks/<int:pk>/unlock/", views.lock_unlock, name="lock-unlock"),
    path("security-log/", account_views.security_log, name="security-log"),
    path("sdv/", verification_views.sdv_progress, name="sdv-progress"),
    path("sdv/verify/<int:ct_id>/<int:pk>/", verification_views.verify, name="sdv-verify"),
]

"""/api/v1/: a resource per clinical form (named like its CSV file), the audit feed, queries, results, schema.

Every view here authenticates itself (API token or session, see settings.REST_FRAMEWORK) and answers 401 or
403 itself, so it is exempt from LoginRequiredMiddleware's redirect to the login page (DRF marks its views so;
login_not_required below says it where it matters); the documentation page is an ordinary signed-in page.
"""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import lab_import, views

app_name = "api"

router = SimpleRouter()
for form, viewset in views.form_viewsets():
    router.register(form.name, viewset, basename=form.name)

urlpatterns = [
    path("", login_not_required(views.ApiRoot.as_view()), name="root"),
    path("audit/", login_not_required(views.AuditFeedView.as_view()), name="audit"),
    path("queries/", login_not_required(views.DataQueryList.as_view()), name="queries"),
    path("results/", login_not_required(views.SnapshotDetail.as_view()), name="results"),
    path("lab-import/", login_not_required(lab_import.LabImportView.as_view()), name="lab-import"),
    path("participant-results/", login_not_required(views.ParticipantResultList.as_view()), name="participant-results"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    # A page for people: signed out, the login page (DRF marks its views login_not_required, so say it here).
    path("docs/", login_required(
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html")
    ), name="docs"),
    *router.urls,
    # Any character, a newline too (a path segment may carry one, percent-encoded).
    re_path(r"^[\s\S]+$", login_not_required(views.NotFoundView.as_view()), name="not-found"),
]
for pattern in router.urls:
    login_not_required(pattern.callback)

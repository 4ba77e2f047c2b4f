from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from blinatrial import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("status/", include("enrollment.status_urls")),
    path("accounts/login/", views.TrialLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/language/", include("enrollment.account_urls")),
    path("accounts/", include("integrity.account_urls")),
    path("accounts/api-tokens/", include("api.account_urls")),
    path("enrollment/", include("enrollment.urls")),
    path("cycles/", include("cycles.urls")),
    path("assessments/", include("assessments.urls")),
    path("safety/", include("safety.urls")),
    path("endpoints/", include("endpoints.urls")),
    path("integrity/", include("integrity.urls")),
    path("exports/", include("exports.urls")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
]

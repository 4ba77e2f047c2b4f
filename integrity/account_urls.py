"""Account security pages, under /accounts/ beside the login (names without a namespace, like "login")."""

from django.urls import path

from integrity import account_views

urlpatterns = [
    path("two-factor/", account_views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/enrol/", account_views.two_factor_enrol, name="two-factor-enrol"),
    path("security/", account_views.account_security, name="account-security"),
    path("security/recovery-codes/", account_views.recovery_codes, name="recovery-codes"),
]

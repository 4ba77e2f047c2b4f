"""API token pages, under /accounts/api-tokens/ beside the other account pages (names without a namespace)."""

from django.urls import path

from api import token_views

urlpatterns = [
    path("", token_views.token_list, name="api-token-list"),
    path("new/", token_views.token_create, name="api-token-create"),
    path("<int:pk>/revoke/", token_views.token_revoke, name="api-token-revoke"),
]

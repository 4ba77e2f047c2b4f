"""The project's URLs plus one view that fails, for the 500 page test."""

from django.urls import path

from blinatrial.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [*project_urlpatterns, path("broken/", broken)]

from django.urls import path

from endpoints import views

app_name = "endpoints"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("results/<str:cutoff>/<str:scope>/participants/", views.group, name="group"),
    path("results/<str:cutoff>/<str:scope>/plot/<str:name>.svg", views.plot, name="plot"),
    path("participant/<int:pk>/", views.participant, name="participant"),
]

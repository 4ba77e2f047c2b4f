"""A URLconf for the integrity tests: the project's URLs plus a generic create / edit / remove view for
any clinical model, built exactly like the apps' own views (ClinicalRecordForm + handle_record_form +
soft_delete_record). Used for clinical models whose own views are not in this build yet."""

from django.apps import apps
from django.forms import modelform_factory
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from blinatrial.urls import urlpatterns as project_urls
from integrity import services
from integrity.forms import ClinicalRecordForm, SoftDeleteForm
from integrity.recording import handle_record_form

# Model label -> values of non-editable fields a new record needs (the apps' services set them).
PRESETS: dict[str, dict] = {}


def _form_class(model):
    return modelform_factory(model, form=ClinicalRecordForm, exclude=[])


def _model(label: str):
    return apps.get_model(label)


def record_create(request, label):
    model = _model(label)
    form = _form_class(model)(request.POST or None, instance=model(**PRESETS.get(label, {})))
    return handle_record_form(
        request, form, template="integrity/test_record_form.html", context={},
        success_url=lambda obj: reverse("test-record-edit", args=[label, obj.pk]),
    )


def record_edit(request, label, pk):
    model = _model(label)
    instance = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    form = _form_class(model)(request.POST or None, instance=instance)
    return handle_record_form(
        request, form, template="integrity/test_record_form.html", context={},
        success_url=lambda obj: reverse("test-record-edit", args=[label, obj.pk]),
    )


def record_remove(request, label, pk):
    model = _model(label)
    instance = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    form = SoftDeleteForm(request.POST)
    if not form.is_valid():
        return HttpResponse("reason required", status=400)
    try:
        services.soft_delete_record(instance, user=request.user, reason=form.cleaned_data["reason"])
    except services.RecordLocked as exc:
        return HttpResponse(str(exc), status=403)
    return HttpResponse("removed")


urlpatterns = [
    *project_urls,
    path("test-records/<str:label>/new/", record_create, name="test-record-create"),
    path("test-records/<str:label>/<int:pk>/", record_edit, name="test-record-edit"),
    path("test-records/<str:label>/<int:pk>/remove/", record_remove, name="test-record-remove"),
]

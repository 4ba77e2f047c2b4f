"""The view side of the one write path: bind, save through integrity.services, render problems."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from integrity import services
from integrity.forms import ClinicalRecordForm


def handle_record_form(
    request: HttpRequest,
    form: ClinicalRecordForm,
    *,
    template: str,
    context: dict,
    success_url: str | Callable[[object], str],
    success_message: str = "Saved.",
) -> HttpResponse:
    """GET renders; a valid POST saves with audit context and redirects; problems re-render with messages.

    Locked data, a conflicting edit (someone saved since the form was loaded) and a double submit are
    handled here, once, for every clinical form.
    """
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.save_record(
                form,
                user=request.user,
                reason=form.reason,
                expected_version=form.cleaned_data.get("row_version"),
                submission_token=form.cleaned_data.get("submission_token"),
            )
        except services.RecordLocked as exc:
            form.add_error(None, str(exc))
            status = 403
        except services.EditConflict as exc:
            form.add_error(None, str(exc))
            context = {**context, "conflict": exc}
            status = 409
        else:
            messages.success(request, success_message)
            return redirect(success_url(obj) if callable(success_url) else success_url)
    elif request.method == "POST":
        status = 400
    return render(request, template, {**context, "form": form}, status=status)

"""Source data verification pages: the progress page, and the monitor's verify action on a record or field."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from blinatrial.access import DATA_MANAGER, MONITOR, role_required
from blinatrial.params import local_path
from integrity import queries, verification
from integrity.model_meta import participant_model

PROGRESS_ROLES = (DATA_MANAGER, MONITOR)


def _row(progress, **names) -> dict:
    return {**names, "verified": progress.verified, "total": progress.total, "percent": progress.percent}


@role_required(*PROGRESS_ROLES)
@require_GET
def sdv_progress(request: HttpRequest) -> HttpResponse:
    """Per site and per participant of the user's sites: verified / total critical fields, and the %."""
    found = verification.progress(request.user)
    site_model = participant_model()._meta.get_field("site").related_model
    sites = {s.pk: s for s in site_model.objects.filter(pk__in=found["by_site"])}
    site_rows = [
        _row(p, code=sites[pk].code, name=sites[pk].name)
        for pk, p in sorted(found["by_site"].items(), key=lambda item: sites[item[0]].code)
    ]
    ids = found["participant_ids"]
    participant_rows = [
        _row(p, pk=pk, participant_id=ids[pk])
        for pk, p in sorted(found["by_participant"].items(), key=lambda item: ids[item[0]])
    ]
    context = {"site_rows": site_rows, "participant_rows": participant_rows}
    return render(request, "integrity/sdv_progress.html", context)


@role_required(*verification.VERIFIERS)
@require_POST
def verify(request: HttpRequest, ct_id: int, pk: int) -> HttpResponse:
    """Mark a record (no field) or one of its critical fields as verified against source."""
    ct = get_object_or_404(ContentType, pk=ct_id)
    model = ct.model_class()
    if model not in verification.verifiable_models():
        raise Http404(gettext("Not a record with critical fields."))
    record = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    field_name = request.POST.get("field_name", "")
    if field_name and field_name not in verification.critical_fields(model):
        raise Http404(gettext("Not a critical field of this record."))
    verification.verify(user=request.user, record=record, field_name=field_name)
    what = queries.field_label(record, field_name) if field_name else gettext("The whole form")
    messages.success(request, gettext("%(what)s: verified against source.") % {"what": what})
    return redirect(local_path(request, request.POST.get("next", "")) or "integrity:sdv-progress")



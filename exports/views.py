"""Snapshot pages: list, request, progress (polled JSON), download. Data managers and monitors only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from blinatrial.access import role_required
from blinatrial.dates import shown_date
from exports import services
from exports.forms import SnapshotForm
from exports.models import SnapshotDownload, SnapshotStatus
from exports.presenters import shown_error, shown_stored_text
from integrity.models import SecurityEventKind
from integrity.security_log import record_security_event

LIST_LIMIT = 200


@role_required(*services.EXPORT_ROLES)
@require_GET
def snapshot_list(request: HttpRequest) -> HttpResponse:
    services.expire_stalled_builds()
    snapshots = services.visible_snapshots(request.user)[:LIST_LIMIT]
    return render(request, "exports/snapshot_list.html", {"snapshots": snapshots})


@role_required(*services.EXPORT_ROLES)
@require_http_methods(["GET", "POST"])
def snapshot_create(request: HttpRequest) -> HttpResponse:
    form = SnapshotForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            snapshot = services.request_snapshot(
                user=request.user, cutoff=form.cleaned_data["cutoff"], sites=form.cleaned_data["sites"] or None
            )
        except PermissionDenied as exc:
            form.add_error("sites", str(exc))
        else:
            messages.success(request, gettext("Snapshot %(id)s requested.") % {"id": snapshot.pk})
            return redirect("exports:snapshot-detail", pk=snapshot.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "exports/snapshot_form.html", {"form": form}, status=status)


@role_required(*services.EXPORT_ROLES)
@require_GET
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_object_or_404(services.visible_snapshots(request.user), pk=pk)
    downloads = snapshot.downloads.select_related("user")[:LIST_LIMIT]
    context = {
        "snapshot": snapshot,
        "done": SnapshotStatus.DONE,
        "downloads": downloads,
        "progress_label": shown_stored_text(snapshot.progress_label),
        "error": shown_error(snapshot.error),
    }
    return render(request, "exports/snapshot_detail.html", context)


@role_required(*services.EXPORT_ROLES)
@require_GET
@never_cache
def snapshot_status(request: HttpRequest, pk: int) -> JsonResponse:
    services.expire_stalled_builds()
    snapshot = get_object_or_404(services.visible_snapshots(request.user), pk=pk)
    done = snapshot.status == SnapshotStatus.DONE
    return JsonResponse(
        {
            "id": snapshot.pk,
            "status": snapshot.status,
            "status_label": snapshot.get_status_display(),
            "progress": snapshot.progress,
            "label": shown_stored_text(snapshot.progress_label),
            "error": shown_error(snapshot.error),
            "finished": snapshot.is_finished,
            "size_bytes": snapshot.size_bytes,
            "sha256": snapshot.sha256,
            "download_url": reverse("exports:snapshot-download", args=[snapshot.pk]) if done else None,
        }
    )


@role_required(*services.EXPORT_ROLES)
@require_GET
def snapshot_download(request: HttpRequest, pk: int) -> FileResponse:
    snapshot = get_object_or_404(services.visible_snapshots(request.user), pk=pk, status=SnapshotStatus.DONE)
    try:
        handle = services.open_snapshot(snapshot)
    except FileNotFoundError:
        raise Http404("The snapshot file is missing from the export storage.") from None
    SnapshotDownload.objects.create(snapshot=snapshot, user=request.user)
    sites = ",".join(snapshot.sites) if snapshot.sites else "all sites"
    with translation.override("en-gb"):  # stored: in English, whatever the user's language
        cutoff = shown_date(snapshot.cutoff)
    record_security_event(
        SecurityEventKind.SNAPSHOT_DOWNLOADED,
        user=request.user,
        request=request,
        detail=f"snapshot {snapshot.pk} ({sites}, cut-off {cutoff})",
    )
    return FileResponse(
        handle, as_attachment=True, filename=snapshot.file_name.rsplit("/", 1)[-1], content_type="application/zip"
    )

"""Integrity pages: audit trail (study, participant, record, field; CSV), data queries, e-signatures, locks."""

import csv
import datetime

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blinatrial.access import (
    COORDINATOR,
    DATA_ENTRY_ROLES,
    DATA_MANAGER,
    INVESTIGATOR,
    MONITOR,
    role_required,
    visible_site_ids,
)
from blinatrial.params import parse_query
from integrity import audit, labels, locking, queries, services, signatures
from integrity.cells import escape_text
from integrity.forms import (
    AuditFilterForm,
    AuditPageParams,
    FieldParams,
    LockCreateParams,
    LockForm,
    QueryListParams,
    QueryMessageForm,
    QueryRaiseForm,
    SignForm,
    SoftDeleteForm,
    TimepointParams,
    UnlockForm,
)
from integrity.model_meta import participant_model
from integrity.models import DataQuery, Lock, LockScope, QueryStatus, Signature

AUDIT_ROLES = (DATA_MANAGER, MONITOR, INVESTIGATOR)
ALL_ROLES = (COORDINATOR, INVESTIGATOR, DATA_MANAGER, MONITOR)
PAGE_ROWS = 200
CSV_HEADER = ("form", "record_id", "participant_id", "field", "old_value", "new_value", "user", "changed_at_utc",
              "action", "reason")


def _clinical_record(request: HttpRequest, ct_id: int, pk: int):
    """A clinical record of the user's sites (soft-deleted ones included: their history stays visible)."""
    ct = get_object_or_404(ContentType, pk=ct_id)
    model = ct.model_class()
    if model is None or model not in audit.clinical_models():
        raise Http404(gettext("Not a clinical record."))
    qs = model.objects.all().for_sites(visible_site_ids(request.user))
    return get_object_or_404(qs, pk=pk)


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(CSV_HEADER)
        for c in rows:
            yield writer.writerow(
                [
                    escape_text(c.model_name),
                    c.record_id,
                    escape_text(c.participant_id or ""),
                    escape_text(c.field),
                    escape_text(c.old),
                    escape_text(c.new),
                    escape_text(c.username),
                    c.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    c.action,
                    escape_text(c.reason),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _audit_page(request: HttpRequest, *, title: str, participant=None, record=None, field: str = "",
                template: str = "integrity/audit_list.html", extra: dict | None = None) -> HttpResponse:
    options = parse_query(request, AuditPageParams)
    form = AuditFilterForm(request.GET or None, viewer=request.user)
    filters = {}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = {
            "model_keys": [d["model"]] if d.get("model") else None,
            "field": d.get("field") or field,
            "actor_id": d["user"].pk if d.get("user") else None,
            "since": d.get("since"),
            "until": d.get("until"),
        }
    elif field:
        filters = {"field": field}
    if options["format"] == "csv":  # an export: form and field names in English, whatever the reader's language
        with override("en-gb"):
            rows = audit.changes(user=request.user, participant=participant, record=record, **filters)
        stem = "audit_trail" if participant is None else f"audit_trail_{participant.participant_id}"
        return _csv_response(rows, f"{stem}.csv")
    rows = audit.changes(user=request.user, participant=participant, record=record, **filters)
    page = Paginator(rows, PAGE_ROWS).get_page(options["page"])
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {
        "title": title,
        "form": form,
        "page": page,
        "rows": page.object_list,
        "total": len(rows),
        "participant": participant,
        "record": record,
        "field": field,
        "querystring": query.urlencode(),
        **(extra or {}),
    }
    return render(request, template, context, status=400 if form.is_bound and not form.is_valid() else 200)


@role_required(DATA_MANAGER, MONITOR)
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    return _audit_page(request, title=gettext("Audit trail"))


@role_required(*AUDIT_ROLES)
@require_GET
def participant_audit(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_object_or_404(participant_model().objects.visible_to(request.user), pk=pk)
    title = gettext("Audit trail of %(participant)s") % {"participant": participant.participant_id}
    return _audit_page(request, title=title, participant=participant)


@role_required(*AUDIT_ROLES)
@require_GET
def record_audit(request: HttpRequest, ct_id: int, pk: int) -> HttpResponse:
    record = _clinical_record(request, ct_id, pk)
    title = gettext("Audit trail of %(form)s %(record)s") % {
        "form": record._meta.verbose_name, "record": labels.record_title(record)
    }
    record_queries = DataQuery.objects.filter(content_type_id=ct_id, object_id=pk).select_related("raised_by")
    extra = {"record_queries": record_queries, "form_url": queries.form_url(record), "ct_id": ct_id}
    return _audit_page(request, title=title, record=record, extra=extra)


@role_required(*AUDIT_ROLES)
@require_GET
def field_history(request: HttpRequest, ct_id: int, pk: int, field: str) -> HttpResponse:
    record = _clinical_record(request, ct_id, pk)
    label = queries.field_label(record, field)
    partial = parse_query(request, AuditPageParams)["partial"]
    return _audit_page(
        request,
        title=gettext("History of “%(field)s” of %(form)s %(record)s") % {
            "field": label, "form": record._meta.verbose_name, "record": labels.record_title(record)
        },
        record=record,
        field=field,
        template="integrity/field_history.html" if partial else "integrity/audit_list.html",
    )


# --- Removal (soft delete with a reason) -----------------------------------------------------------


@role_required(*DATA_ENTRY_ROLES)
@require_http_methods(["GET", "POST"])
def record_remove(request: HttpRequest, ct_id: int, pk: int) -> HttpResponse:
    """Remove a live record of the user's sites: it stays in the database and in the audit trail, marked
    removed with the reason; locks are honoured (services.soft_delete_record)."""
    record = _clinical_record(request, ct_id, pk)
    if record.is_deleted or not services.removable(type(record)):
        raise Http404(gettext("This record cannot be removed here."))
    form = SoftDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.soft_delete_record(record, user=request.user, reason=form.cleaned_data["reason"])
        except services.RecordLocked as exc:
            form.add_error(None, exc.shown())
        else:
            messages.success(request, gettext("%(form)s %(record)s removed.") % {
                "form": labels.model_label(type(record)), "record": labels.record_title(record)
            })
            return redirect(_after_removal_url(record))
    status = 400 if request.method == "POST" else 200
    kind = record._meta.verbose_name
    context = {
        "form": form, "record": labels.record_title(record), "kind": kind, "back_url": _after_removal_url(record)
    }
    return render(request, "integrity/record_remove.html", context, status=status)


def _after_removal_url(record) -> str:
    participant = locking.participant_of(record)
    if participant is not None:
        return reverse("enrollment:participant-detail", args=[participant.pk])
    return reverse("enrollment:screening-list")


# --- Data queries ---------------------------------------------------------------------------------


def _visible_queries(user):
    return DataQuery.objects.visible_to(user).select_related("participant", "raised_by", "content_type", "site")


@role_required(*ALL_ROLES)
@require_GET
def query_list(request: HttpRequest) -> HttpResponse:
    query = parse_query(request, QueryListParams)
    status = query["status"] or "live"
    qs = _visible_queries(request.user)
    if status == "live":
        qs = qs.exclude(status=QueryStatus.CLOSED)
    elif status in QueryStatus.values:
        qs = qs.filter(status=status)
    if query["participant"]:
        qs = qs.filter(participant_id=query["participant"])
    page = Paginator(qs, PAGE_ROWS).get_page(query["page"])
    return render(
        request,
        "integrity/query_list.html",
        {"page": page, "queries": page.object_list, "status": status, "statuses": QueryStatus.choices},
    )


@role_required(*queries.RAISERS)
@require_http_methods(["GET", "POST"])
def query_raise(request: HttpRequest, ct_id: int, pk: int) -> HttpResponse:
    record = _clinical_record(request, ct_id, pk)
    initial = {"field_name": parse_query(request, FieldParams)["field"]}
    form = QueryRaiseForm(request.POST or None, record=record, initial=initial)
    if request.method == "POST" and form.is_valid():
        query = queries.raise_query(
            user=request.user, record=record, field_name=form.cleaned_data["field_name"], text=form.cleaned_data["text"]
        )
        messages.success(request, gettext("Query #%(number)s raised.") % {"number": query.pk})
        return redirect("integrity:query-detail", pk=query.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "record": labels.record_title(record)}
    return render(request, "integrity/query_raise.html", context, status=status)


@role_required(*ALL_ROLES)
@require_GET
def query_detail(request: HttpRequest, pk: int) -> HttpResponse:
    query = get_object_or_404(_visible_queries(request.user), pk=pk)
    context = {
        "query": query,
        "thread": query.messages.select_related("author"),
        "field_link": queries.field_link(query),
        "field_label": queries.field_label(query.content_type.model_class(), query.field_name),
        "can_answer": queries.can_answer(request.user, query),
        "can_close": queries.can_close(request.user, query),
        "form": QueryMessageForm(),
    }
    return render(request, "integrity/query_detail.html", context)


@role_required(*ALL_ROLES)
@require_POST
def query_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    query = get_object_or_404(_visible_queries(request.user), pk=pk)
    form = QueryMessageForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        if action == "answer":
            queries.answer(user=request.user, query=query, text=text)
        elif action == "close":
            queries.close(user=request.user, query=query, text=text)
        elif action == "reply":
            queries.reply(user=request.user, query=query, text=text)
        else:
            raise Http404(gettext("No such action."))
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        done = {
            "answer": gettext("Answer sent."), "close": gettext("Query closed."), "reply": gettext("Query re-opened.")
        }
        messages.success(request, done[action])
    return redirect("integrity:query-detail", pk=query.pk)


# --- E-signatures ---------------------------------------------------------------------------------


@role_required(INVESTIGATOR)
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_object_or_404(participant_model().objects.visible_to(request.user), pk=pk)
    form = SignForm(request.POST or None, timepoints=signatures.timepoints(participant),
                    initial={"timepoint": parse_query(request, TimepointParams)["timepoint"]})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                sig = signatures.sign(
                    request,
                    participant=participant,
                    timepoint=form.cleaned_data["timepoint"] or signatures.CASEBOOK,
                    meaning=form.cleaned_data["meaning"],
                    password=form.cleaned_data["password"],
                )
            except signatures.WrongPassword as exc:
                form.add_error("password", str(exc))
            except signatures.SigningRefused as exc:
                form.add_error("timepoint", str(exc))
            else:
                messages.success(request, gettext("Signed %(scope)s of %(participant)s (%(meaning)s).") % {
                    "scope": sig.scope_label, "participant": participant, "meaning": sig.get_meaning_display()
                })
                url = redirect("integrity:signature-print", pk=participant.pk).url
                return redirect(f"{url}?timepoint={sig.timepoint}" if sig.timepoint else url)
    sigs = list(Signature.objects.filter(participant=participant).select_related("signer"))
    states = signatures.validity(sigs) if sigs else {}
    context = {"form": form, "participant": participant, "signatures": [(s, states[s.pk]) for s in sigs]}
    return render(request, "integrity/sign.html", context, status=status)


@role_required(*ALL_ROLES)
@require_GET
def signature_print(request: HttpRequest, pk: int) -> HttpResponse:
    """Print view of a signed timepoint (?timepoint=EOC1) or casebook: the content and its signatures."""
    participant = get_object_or_404(participant_model().objects.visible_to(request.user), pk=pk)
    timepoint = parse_query(request, TimepointParams)["timepoint"] or signatures.CASEBOOK
    content = signatures.signed_records(participant, timepoint)
    sigs = list(Signature.objects.filter(participant=participant, timepoint=timepoint).select_related("signer"))
    states = signatures.validity(sigs) if sigs else {}
    context = {
        "participant": participant,
        "timepoint": timepoint,
        "content": content,
        "signatures": [(s, states[s.pk]) for s in sigs],
        "current_hash": signatures.content_hash(participant, timepoint),
        "printed_at": timezone.now(),
    }
    return render(request, "integrity/signature_print.html", context)


# --- Locks ----------------------------------------------------------------------------------------


def _sees_every_site(user) -> bool:
    return visible_site_ids(user) is None


FREEZE_REFUSED = gettext_lazy("Only a data manager who sees every site may freeze the study or end a freeze.")


@role_required(DATA_MANAGER)
@require_GET
def lock_list(request: HttpRequest) -> HttpResponse:
    """The locks of the user's sites and the study freezes (every data manager must know the study is frozen)."""
    locks = Lock.objects.visible_to(request.user).select_related("participant", "locked_by", "unlocked_by")
    context = {"locks": locks[:PAGE_ROWS], "can_freeze": _sees_every_site(request.user)}
    return render(request, "integrity/lock_list.html", context)


@role_required(DATA_MANAGER)
@require_http_methods(["GET", "POST"])
def lock_create(request: HttpRequest) -> HttpResponse:
    participants = participant_model().objects.visible_to(request.user)
    chosen = parse_query(request, LockCreateParams)["participant"]
    can_freeze = _sees_every_site(request.user)
    initial = {"participant": chosen}  # no default scope: what to lock is always an explicit choice
    form = LockForm(request.POST or None, participants=participants, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d["scope"] == LockScope.STUDY and not can_freeze:
            raise PermissionDenied(FREEZE_REFUSED)
        the_lock = locking.lock(
            user=request.user, scope=d["scope"], participant=d["participant"], timepoint=d["timepoint"].strip(),
            reason=d["reason"]
        )
        messages.success(request, gettext("Locked: %(what)s.") % {"what": the_lock})
        return redirect("integrity:lock-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "integrity/lock_form.html", {"form": form}, status=status)


@role_required(DATA_MANAGER)
@require_http_methods(["GET", "POST"])
def lock_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    the_lock = get_object_or_404(Lock.objects.visible_to(request.user), pk=pk, unlocked_at__isnull=True)
    if the_lock.scope == LockScope.STUDY and not _sees_every_site(request.user):
        raise PermissionDenied(FREEZE_REFUSED)
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        locking.unlock(the_lock, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, gettext("Unlocked: %(what)s.") % {"what": the_lock})
        return redirect("integrity:lock-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "integrity/unlock_form.html", {"form": form, "lock": the_lock}, status=status)

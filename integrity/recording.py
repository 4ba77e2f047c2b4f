"""The view side of the one write path: bind, save through integrity.services, render problems."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from blinatrial.access import DATA_ENTRY_ROLES, MONITOR, has_role
from blinatrial.params import local_path, parse_query
from blinatrial.time_zones import is_time_zone
from integrity import locking, queries, services
from integrity.forms import ClinicalRecordForm, NextParams
from integrity.models import Lock

# Who may open a saved record's form: those who enter data, and monitors (read-only, to review it).
RECORD_READERS = (*DATA_ENTRY_ROLES, MONITOR)
REVIEW_ONLY = gettext_lazy("Monitors review the data; they do not change it. Nothing was saved.")


@dataclass(frozen=True)
class ReadOnly:
    """Why a form opens read-only: a lock covering the record (shown as a padlock banner), or a reviewer."""

    refusal: str
    lock: Lock | None = None
    lock_scope: str = ""


def read_only_state(user, instance) -> ReadOnly | None:
    """Read-only for everyone while a lock covers the record; always for a user who does not enter data."""
    lock = locking.blocking_lock(instance)
    if lock is not None:
        return ReadOnly(refusal=locking.lock_message(lock), lock=lock, lock_scope=locking.lock_scope_words(lock))
    if not has_role(user, *DATA_ENTRY_ROLES):
        return ReadOnly(refusal=REVIEW_ONLY)
    return None


def make_read_only(form: ClinicalRecordForm) -> None:
    """Every field disabled, no save button; the saved values are shown, never posted ones."""
    for field in form.fields.values():
        field.disabled = True
    form.helper.inputs = []
    form.is_bound = False
    form._errors = None  # problems an entry had before the lock was found are not shown on the locked form
    form.cleaned_data = {}


def site_time_zone(instance) -> str | None:
    """The IANA time zone of the record's site (`Site.time_zone`), None if the record has no site yet."""
    try:
        site = queries.site_of(instance)
    except Exception:  # noqa: BLE001 - a new record whose parent is not set, or a model without a site
        return None
    zone = getattr(site, "time_zone", "") or ""
    return zone if is_time_zone(zone) else None


def show_time_zone(form: ClinicalRecordForm, zone: str) -> None:
    """Date-time fields are entered and shown in the site's zone: say which, next to each of them."""
    for name, field in form.fields.items():
        if isinstance(field, forms.DateTimeField):
            field.label = f"{(field.label or name).replace('(UTC)', '').strip()} ({zone})"
            field.help_text = format_html(
                '{}<span class="d-block" data-testid="time-zone-{}">{}</span>',
                field.help_text, name, gettext("Site time (%(zone)s); stored in UTC.") % {"zone": zone},
            )


def next_url(request: HttpRequest) -> str:
    """Where the user came from (`next`: the form's hidden field on a save, the link's query on opening it), if
    it is a path of this site; "" otherwise (an outside address is ignored, never followed)."""
    url = request.POST.get("next", "") if request.method == "POST" else ""
    return local_path(request, url or parse_query(request, NextParams)["next"])


def handle_record_form(
    request: HttpRequest,
    form: ClinicalRecordForm,
    *,
    template: str,
    context: dict,
    success_url: str | Callable[[object], str],
    success_message: str = "",
) -> HttpResponse:
    """GET renders; a valid POST saves with audit context and redirects (back to `next`, the list, casebook, work
    list or matrix the form was opened from, if given; else to `success_url`); problems re-render with messages.

    Locked data, a conflicting edit (someone saved since the form was loaded) and a double submit are
    handled here, once, for every clinical form.
    """
    back = next_url(request)
    if back:
        success_url = back
        context = {**context, "next_url": back, **({"cancel_url": back} if "cancel_url" in context else {})}
    zone = site_time_zone(form.instance)
    if zone is None:
        return _handle_record_form(request, form, template, context, success_url, success_message)
    show_time_zone(form, zone)
    # the form reads and shows date-times in the site's zone (Django converts to and from UTC at the form)
    with timezone.override(zone):  # render() renders here, inside the zone
        return _handle_record_form(
            request, form, template, {**context, "site_time_zone": zone}, success_url, success_message
        )


def _handle_record_form(request, form, template, context, success_url, success_message) -> HttpResponse:
    if form.instance._state.adding and not has_role(request.user, *DATA_ENTRY_ROLES):
        raise PermissionDenied(gettext("Monitors review saved records; they do not add any."))
    refused = None
    # A valid entry is saved without a look at the locks first: the database's lock trigger refuses a locked
    # write, in the lock's own words (services.RecordLocked), and the page is then the locked form, as on opening
    # it. Every other request looks at the locks before anything else.
    if request.method == "POST" and has_role(request.user, *DATA_ENTRY_ROLES) and form.is_valid():
        try:
            obj = services.save_record(
                form,
                user=request.user,
                reason=form.reason,
                expected_version=form.cleaned_data.get("row_version"),
                submission_token=form.cleaned_data.get("submission_token"),
            )
        except services.RecordLocked as exc:
            refused = exc.shown()
        except services.EditConflict as exc:
            form.add_error(None, exc.shown())
            return render(request, template, {**context, "form": form, "conflict": exc}, status=409)
        else:
            messages.success(request, success_message or gettext("Saved."))
            return redirect(success_url(obj) if callable(success_url) else success_url)
    read_only = read_only_state(request.user, form.instance)
    if read_only is not None:
        make_read_only(form)
        if request.method == "POST":
            form.add_error(None, read_only.refusal)
        return render(request, template, {**context, "form": form, "read_only": read_only},
                      status=403 if request.method == "POST" else 200)
    if refused is not None:  # refused by a lock that was lifted since
        form.add_error(None, refused)
        return render(request, template, {**context, "form": form}, status=403)
    status = 400 if request.method == "POST" else 200  # a POST here had problems, shown next to their fields
    return render(request, template, {**context, "form": form}, status=status)

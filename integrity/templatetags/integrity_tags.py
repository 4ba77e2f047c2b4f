"""Template tags that put the audit trail and data queries next to the fields of any clinical form.

    {% load integrity_tags %}
    {% record_integrity form %}          record-level links + per-field "history" links, query badges and the
                                         ?field=<name> highlight (templates/includes/record_form.html does this)
    {% field_history record "dose_mg" %} one field's history link, for a template that lays out fields itself
    {% open_query_count participant %}   badge with the participant's open queries (prefer queries.open_counts
                                         for lists: one SQL query for all rows)
"""

import datetime
import re
from collections import Counter

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy

from blinatrial.access import DATA_ENTRY_ROLES, DATA_MANAGER, INVESTIGATOR, MONITOR, has_role
from blinatrial.dates import shown_date
from integrity import audit, queries, services, texts, verification
from integrity.words import words

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

register = template.Library()
AUDIT_ROLES = (DATA_MANAGER, MONITOR, INVESTIGATOR)


def _record(obj):
    instance = getattr(obj, "instance", obj)  # a ModelForm or a model instance
    return instance if getattr(instance, "pk", None) else None


@register.inclusion_tag("includes/record_integrity.html", takes_context=True)
def record_integrity(context, form_or_record) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    record = _record(form_or_record)
    if record is None or user is None or type(record) not in audit.clinical_models():
        return {"show": False}
    ct = ContentType.objects.get_for_model(type(record))
    can_audit = has_role(user, *AUDIT_ROLES)
    history = {}
    if can_audit:
        counts = Counter(c.field for c in audit.changes(user=user, record=record))
        history = {
            name: {"url": reverse("integrity:field-history", args=[ct.pk, record.pk, name]), "n": n}
            for name, n in counts.items()
        }
    open_queries = queries.open_for_record(record)
    by_field: dict[str, list] = {}
    for q in open_queries:
        by_field.setdefault(q.field_name, []).append(
            {
                "url": reverse("integrity:query-detail", args=[q.pk]),
                "text": texts.shown(q.text)[:120],
                "status": q.status,
            }
        )
    raise_url = reverse("integrity:query-raise", args=[ct.pk, record.pk]) if has_role(user, *queries.RAISERS) else ""
    may_remove = (
        not record.is_deleted
        and not context.get("read_only")  # locked (integrity.recording.read_only_state)
        and services.removable(type(record))
        and has_role(user, *DATA_ENTRY_ROLES)
    )
    return {
        "remove_url": reverse("integrity:record-remove", args=[ct.pk, record.pk]) if may_remove else "",
        "show": True,
        "record": record,
        "audit_url": reverse("integrity:record-audit", args=[ct.pk, record.pk]) if can_audit else "",
        "open_queries": open_queries,
        "raise_url": raise_url,
        "data": {"history": history, "queries": by_field, "raise": raise_url},
    }


def _shown(record, name: str) -> object:
    if record._meta.get_field(name).choices:
        return getattr(record, f"get_{name}_display")()
    value = getattr(record, name)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return "" if value is None else value


@register.inclusion_tag("includes/record_review.html", takes_context=True)
def record_review(context, form) -> dict:
    """A saved record opened read-only: per field its value, history, a "Raise query" link and, for a monitor,
    the verify buttons (critical fields one by one, or the whole form)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    record = _record(form)
    if record is None or user is None or not has_role(user, *AUDIT_ROLES):
        return {"show": False}
    model = type(record)
    ct = ContentType.objects.get_for_model(model)
    history: dict[str, list] = {}
    for change in audit.changes(user=user, record=record):
        history.setdefault(change.field, []).append(change)
    critical = set(verification.critical_fields(model))
    marks = verification.marks_for(record) if critical else {}
    names = [  # what the form shows: hidden bookkeeping (the row version) is not reviewed
        n for n in form.fields
        if n in {f.name for f in model._meta.concrete_fields} and not form.fields[n].widget.is_hidden
    ]
    fields = [
        {
            "name": name,
            "label": form.fields[name].label or queries.field_label(model, name),
            "value": _shown(record, name),
            "history": history.get(name, []),
            "critical": name in critical,
            "mark": marks.get(name),
        }
        for name in names
    ]
    return {
        "show": True,
        "fields": fields,
        "raise_url": (
            reverse("integrity:query-raise", args=[ct.pk, record.pk]) if has_role(user, *queries.RAISERS) else ""
        ),
        "can_verify": bool(critical) and has_role(user, *verification.VERIFIERS),
        "verify_url": reverse("integrity:sdv-verify", args=[ct.pk, record.pk]),
        "record_mark": marks.get(""),
        "here": request.get_full_path(),
    }


@register.inclusion_tag("includes/field_history.html", takes_context=True)
def field_history(context, record, field_name: str) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    record = _record(record)
    if record is None or user is None or not has_role(user, *AUDIT_ROLES):
        return {"url": ""}
    ct = ContentType.objects.get_for_model(type(record))
    return {"url": reverse("integrity:field-history", args=[ct.pk, record.pk, field_name]), "field": field_name}


@register.simple_tag
def open_query_count(participant) -> int:
    return queries.open_counts([participant.pk]).get(participant.pk, 0)


@register.filter(name="words")
def words_filter(value):
    """`{{ code|words }}`: a stored code in words (integrity.words); other values unchanged."""
    return words(value)


@register.filter(name="shown_date")
def shown_date_filter(value):
    """`{{ value|shown_date }}`: a date, or an ISO date text stored in a result's JSON ("2026-03-05"), as a person
    reads it (5 Mar 2026); a list of them joined by commas; anything else unchanged."""
    if isinstance(value, list | tuple):
        return ", ".join(str(shown_date_filter(v)) for v in value)
    if isinstance(value, datetime.date):
        return shown_date(value)
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return shown_date(datetime.date.fromisoformat(value))
    return value


@register.filter(name="stored_text")
def stored_text_filter(value):
    """`{{ query.text|stored_text }}`: a text the system stored in English (an automatic query, an audit reason,
    a lock refusal) in the reader's language (integrity.texts); what a person typed unchanged."""
    return texts.shown(value) if isinstance(value, str) else value


AUDIT_ACTIONS = {
    "insert": pgettext_lazy("audit action", "insert"),
    "update": pgettext_lazy("audit action", "update"),
    "delete": pgettext_lazy("audit action", "delete"),
}
MESSAGE_KINDS = {
    "raise": pgettext_lazy("query message", "raised"),
    "answer": pgettext_lazy("query message", "answer"),
    "close": pgettext_lazy("query message", "closed"),
    "reopen": pgettext_lazy("query message", "re-opened"),
    "auto": pgettext_lazy("query message", "closed automatically"),
    "message": pgettext_lazy("query message", "message"),
}


@register.filter(name="audit_action")
def audit_action_filter(value):
    """`{{ change.action|audit_action }}`: the trail's event label (insert, update, delete) in words."""
    return AUDIT_ACTIONS.get(value, value)


@register.filter(name="message_kind")
def message_kind_filter(value):
    """`{{ message.kind|message_kind }}`: what a message of a query's thread is, in words."""
    return MESSAGE_KINDS.get(value, value)


@register.filter(name="query_field")
def query_field_filter(query):
    """`{{ query|query_field }}`: the name of the field a query is on, as its form labels it (not its code)."""
    return queries.field_label(query.content_type.model_class(), query.field_name)

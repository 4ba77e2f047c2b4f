"""Data queries (discrepancy management): raise on a field, answer or correct, close; open counts.

Who may do what: monitors and data managers raise; coordinators, investigators and data managers
answer (and correct the value through the record's own form); only the raiser or a data manager
closes. Automatic edit checks raise and close their own queries (integrity.edit_checks).
"""

from contextlib import suppress

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from blinatrial.access import COORDINATOR, DATA_MANAGER, INVESTIGATOR, MONITOR, has_role
from integrity import labels, locking, texts
from integrity.audit_context import own_context
from integrity.models import DataQuery, QueryMessage, QueryStatus

RAISERS = (MONITOR, DATA_MANAGER)
ANSWERERS = (COORDINATOR, INVESTIGATOR, DATA_MANAGER)


def open_counts(participant_ids) -> dict[int, int]:
    """participant pk -> number of queries not closed (open or answered); one SQL query."""
    rows = (
        DataQuery.objects.filter(participant_id__in=list(participant_ids))
        .exclude(status=QueryStatus.CLOSED)
        .values("participant_id")
        .annotate(n=Count("id"))
        .values_list("participant_id", "n")
    )
    return dict(rows)


def site_of(record: models.Model):
    path = getattr(type(record), "site_lookup", None)
    obj = record
    for part in (path or "site").split("__"):
        obj = getattr(obj, part)
    return obj


def field_label(record_or_model, field_name: str) -> str:
    model = record_or_model if isinstance(record_or_model, type) else type(record_or_model)
    try:
        return labels.field_label(model, field_name)
    except Exception:  # noqa: BLE001 - a check may name a derived value rather than a field
        return field_name.replace("_", " ").capitalize()  # a code: data, not interface text


# Where each clinical model is edited, for models that do not define get_edit_url(): label -> url name.
FORM_URLS = {
    "enrollment.ScreeningRecord": "enrollment:screening-edit",
    "enrollment.Participant": "enrollment:participant-detail",
    "cycles.Cycle": "cycles:cycle-edit",
    "cycles.BlinatumomabSegment": "cycles:segment-edit",
    "cycles.Administration": "cycles:administration-record",
    "cycles.Transplant": "cycles:transplant-edit",
    "assessments.BoneMarrowAssessment": "assessments:marrow-edit",
    "assessments.BloodCount": "assessments:cbc-edit",
    "assessments.ExtramedullaryDisease": "assessments:emd-edit",
    "assessments.FollowUpContact": "assessments:followup-edit",
    "assessments.FlowMrd": "assessments:flow-edit",
    "assessments.NgsMrd": "assessments:ngs-edit",
    "assessments.ResponseCall": "assessments:call-edit",
}


def form_url(record: models.Model) -> str | None:
    """The URL of the record's edit form: `get_edit_url()` if the model has it, the FORM_URLS entry, else
    `get_absolute_url()`; None if none resolves."""
    url_name = FORM_URLS.get(record._meta.label)
    if url_name and not callable(getattr(record, "get_edit_url", None)):
        try:
            return reverse(url_name, args=[record.pk])
        except NoReverseMatch:
            pass
    for name in ("get_edit_url", "get_absolute_url"):
        method = getattr(record, name, None)
        if callable(method):
            with suppress(NoReverseMatch):
                return method()
    return None


def field_link(query: DataQuery) -> str:
    """Deep link to the queried field on the record's form (`?field=<name>#id_<name>` highlights it)."""
    record = query.record
    base = form_url(record) if record is not None else None
    if base is None:
        base = reverse("integrity:record-audit", args=[query.content_type_id, query.object_id])
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}field={query.field_name}#id_{query.field_name}"


@transaction.atomic
def raise_query(*, user, record: models.Model, field_name: str, text: str, check_code: str = "") -> DataQuery:
    if user is not None and not has_role(user, *RAISERS):
        raise PermissionDenied(gettext("Only monitors and data managers raise queries."))
    if not text.strip():
        raise ValueError(gettext("Write what is wrong."))
    why = texts.stored(texts.QUERY_RAISED_BY_CHECK, code=check_code) if check_code else texts.QUERY_RAISED
    with own_context(user=user.pk if user else None, reason=why):
        query = DataQuery.objects.create(
            content_type=ContentType.objects.get_for_model(type(record)),
            object_id=record.pk,
            field_name=field_name,
            participant=locking.participant_of(record),
            site=site_of(record),
            raised_by=user,
            text=text.strip(),
            check_code=check_code,
        )
        QueryMessage.objects.create(query=query, author=user, kind="raise", text=text.strip())
    return query


def can_answer(user, query: DataQuery) -> bool:
    return query.status != QueryStatus.CLOSED and has_role(user, *ANSWERERS)


def can_close(user, query: DataQuery) -> bool:
    if query.status == QueryStatus.CLOSED:
        return False
    return has_role(user, DATA_MANAGER) or (query.raised_by_id is not None and query.raised_by_id == user.pk)


@transaction.atomic
def answer(*, user, query: DataQuery, text: str) -> QueryMessage:
    if not can_answer(user, query):
        raise PermissionDenied(gettext("You cannot answer this query."))
    if not text.strip():
        raise ValueError(gettext("Write an answer."))
    with own_context(user=user.pk, reason=texts.QUERY_ANSWERED):
        message = QueryMessage.objects.create(query=query, author=user, kind="answer", text=text.strip())
        DataQuery.objects.filter(pk=query.pk).update(status=QueryStatus.ANSWERED)
    query.status = QueryStatus.ANSWERED
    return message


@transaction.atomic
def reply(*, user, query: DataQuery, text: str) -> QueryMessage:
    """The raiser (or a data manager) writes back: the query is open again."""
    if not can_close(user, query):
        raise PermissionDenied(gettext("Only the raiser or a data manager can reply to reopen this query."))
    with own_context(user=user.pk, reason=texts.QUERY_REOPENED):
        message = QueryMessage.objects.create(query=query, author=user, kind="reopen", text=text.strip())
        DataQuery.objects.filter(pk=query.pk).update(status=QueryStatus.OPEN)
    query.status = QueryStatus.OPEN
    return message


@transaction.atomic
def close(*, user, query: DataQuery, text: str = "", automatic: bool = False) -> DataQuery:
    if not automatic and not can_close(user, query):
        raise PermissionDenied(gettext("Only the person who raised the query or a data manager can close it."))
    note = text.strip() or (texts.CLOSED_AUTOMATICALLY if automatic else texts.CLOSED)  # stored in English
    with own_context(user=user.pk if user else None, reason=texts.QUERY_CLOSED):
        QueryMessage.objects.create(query=query, author=user, kind="auto" if automatic else "close", text=note)
        query.status = QueryStatus.CLOSED
        query.closed_at = timezone.now()
        query.closed_by = user
        query.save(update_fields=["status", "closed_at", "closed_by"])
    return query


def open_for_record(record: models.Model) -> list[DataQuery]:
    """Queries not closed on one record (one query)."""
    return list(
        DataQuery.objects.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
        ).exclude(status=QueryStatus.CLOSED)
    )

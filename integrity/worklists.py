"""Integrity's work lists on the home page: queries to answer or follow up, stale automatic queries, locks.

Registered from IntegrityConfig.ready(); each reads a fixed number of rows through the site scope.
"""

from datetime import timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from blinatrial.access import COORDINATOR, DATA_MANAGER, MONITOR
from blinatrial.dates import shown_date
from blinatrial.worklist import MAX_ITEMS, WorkItem, WorkList, register
from integrity import labels
from integrity.models import DataQuery, Lock, QueryStatus
from integrity.queries import field_label

# An automatic query still open after this long: the data behind it were not corrected, nor the query
# answered or closed; the check keeps flagging a problem nobody is working on.
STALE_AFTER = timedelta(days=7)


def query_item(query: DataQuery, note: str = "") -> WorkItem:
    model = query.content_type.model_class()
    form = labels.model_label(model) if model else gettext("Record")
    field = field_label(model, query.field_name) if model else gettext("a field")
    label = f"{query.participant.participant_id if query.participant else query.site.code} · {form}: {field}"
    return WorkItem(label=label, url=reverse("integrity:query-detail", args=[query.pk]),
                    note=note or query.get_status_display().lower())


def _queries(user) -> QuerySet:
    return DataQuery.objects.visible_to(user).select_related("participant", "site", "content_type")


def query_list(key: str, title: str, qs: QuerySet, *, more: str, empty: str, hint: str = "") -> WorkList:
    total = qs.count()
    rows = list(qs.order_by("created_at", "pk")[:MAX_ITEMS])
    return WorkList(key=key, title=title, items=[query_item(q) for q in rows], total=total, more_url=more,
                    empty=empty, hint=hint)


@register("queries-to-answer", roles=(COORDINATOR,), order=30)
def queries_to_answer(user) -> WorkList:
    url = reverse("integrity:query-list") + "?status=" + QueryStatus.OPEN
    qs = _queries(user).filter(status=QueryStatus.OPEN)
    return query_list("queries-to-answer", gettext("Open queries to answer"), qs,
                      more=url, empty=gettext("No open query."))


@register("queries-live", roles=(DATA_MANAGER,), order=10)
def queries_live(user) -> WorkList:
    qs = _queries(user).exclude(status=QueryStatus.CLOSED)
    return query_list("queries-live", gettext("Open and answered queries"), qs, more=reverse("integrity:query-list"),
                      empty=gettext("No open or answered query."),
                      hint=gettext("Answered ones wait for you to close or reopen them."))


@register("stale-checks", roles=(DATA_MANAGER,), order=20)
def stale_checks(user) -> WorkList:
    qs = _queries(user).exclude(status=QueryStatus.CLOSED).exclude(check_code="").filter(
        created_at__lt=timezone.now() - STALE_AFTER
    )
    return query_list("stale-checks", gettext("Automatic queries open for more than a week"), qs,
                      more=reverse("integrity:query-list"), empty=gettext("No automatic query waiting that long."))


@register("queries-raised", roles=(MONITOR,), order=20)
def queries_raised(user) -> WorkList:
    qs = _queries(user).exclude(status=QueryStatus.CLOSED).filter(raised_by=user)
    return query_list("queries-raised", gettext("Queries you raised, not closed yet"), qs,
                      more=reverse("integrity:query-list"), empty=gettext("None of your queries is waiting."))


@register("active-locks", roles=(DATA_MANAGER,), order=30)
def active_locks(user) -> WorkList:
    qs = Lock.objects.visible_to(user).filter(unlocked_at__isnull=True).select_related("participant")
    total = qs.count()
    items = []
    for lock in qs.order_by("-locked_at", "-pk")[:MAX_ITEMS]:
        what = lock.participant.participant_id if lock.participant else gettext("The whole study")
        scope = lock.get_scope_display().lower()
        items.append(WorkItem(label=f"{what} · {scope}{' ' + lock.timepoint if lock.timepoint else ''}",
                              url=reverse("integrity:lock-unlock", args=[lock.pk]),
                              note=gettext("since %(date)s") % {
                                  "date": shown_date(timezone.localtime(lock.locked_at))
                              }))
    return WorkList(key="active-locks", title=gettext("Active locks"), items=items, total=total,
                    more_url=reverse("integrity:lock-list"), empty=gettext("No active lock."))


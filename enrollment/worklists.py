"""Enrollment's work list on the home page: eligible, consented candidates waiting to be enrolled."""

from django.db.models import Min, Q
from django.urls import reverse
from django.utils.translation import gettext

from blinatrial.access import COORDINATOR
from blinatrial.dates import shown_date
from blinatrial.worklist import MAX_ITEMS, WorkItem, WorkList, register
from enrollment import rules
from enrollment.models import SCREENING_DATA_FIELDS, ScreeningRecord, ScreeningStatus, screening_data_from_values
from enrollment.protocol import ENROLLMENT_PROTOCOL


@register("ready-to-enroll", roles=(COORDINATOR,), order=5)
def ready_to_enroll(user) -> WorkList:
    """Candidates still in screening, with a live consent and eligible by their data (1 query)."""
    rows = (
        ScreeningRecord.objects.visible_to(user).filter(status=ScreeningStatus.SCREENING)
        .annotate(consent_on=Min("consents__signed_on", filter=Q(consents__is_deleted=False)))
        .filter(consent_on__isnull=False)
        .order_by("consent_on", "pk")
        .values("pk", "screening_number", "initials", "criteria", "consent_on", *SCREENING_DATA_FIELDS)
    )
    ready = [
        r for r in rows
        if rules.derive_eligibility(r["criteria"], ENROLLMENT_PROTOCOL,
                                    screening_data_from_values(r, r["consent_on"])).eligible
    ]
    items = [
        WorkItem(label=gettext("%(number)s · %(initials)s · ready to enroll")
                 % {"number": r["screening_number"], "initials": r["initials"]},
                 url=reverse("enrollment:participant-enroll", args=[r["pk"]]),
                 note=gettext("consented %(on)s") % {"on": shown_date(r["consent_on"])})
        for r in ready[:MAX_ITEMS]
    ]
    return WorkList(key="ready-to-enroll", title=gettext("Candidates ready to enroll"), items=items,
                    total=len(ready),
                    more_url=reverse("enrollment:screening-list") + "?status=" + ScreeningStatus.SCREENING,
                    empty=gettext("No eligible, consented candidate is waiting."))

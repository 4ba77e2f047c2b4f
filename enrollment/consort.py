"""The top of the CONSORT funnel for the dashboard: screened, eligible, consented (enrolled and treated are
counted from the endpoint results, endpoints.services.results_from_rows)."""

from django.db.models import Count, Exists, OuterRef, Subquery

from enrollment import rules
from enrollment.models import SCREENING_DATA_FIELDS, Consent, ScreeningRecord, screening_data_from_values
from enrollment.protocol import ENROLLMENT_PROTOCOL


def screening_funnel_by_site() -> dict[str, dict[str, int]]:
    """Site code -> {"screened", "eligible", "consented"} over live screening records (2 queries, streamed)."""
    out: dict[str, dict[str, int]] = {}
    first_consent = (
        Consent.objects.filter(screening=OuterRef("pk"), is_deleted=False).order_by("signed_on").values("signed_on")[:1]
    )
    rows = (
        ScreeningRecord.objects.live()
        .annotate(consent_on=Subquery(first_consent))
        .values("site__code", "criteria", "consent_on", *SCREENING_DATA_FIELDS)
    )
    for row in rows.iterator(2000):
        counts = out.setdefault(row["site__code"], {"screened": 0, "eligible": 0, "consented": 0})
        counts["screened"] += 1
        counts["eligible"] += _eligible(row)
    consented = (
        ScreeningRecord.objects.live()
        .filter(Exists(Consent.objects.filter(screening=OuterRef("pk"), is_deleted=False)))
        .values_list("site__code")
        .annotate(n=Count("pk"))
    )
    for code, n in consented:
        out.setdefault(code, {"screened": 0, "eligible": 0, "consented": 0})["consented"] = n
    return out


def _eligible(row: dict) -> bool:
    data = screening_data_from_values(row, row["consent_on"])
    return rules.derive_eligibility(row["criteria"] or {}, ENROLLMENT_PROTOCOL, data).eligible

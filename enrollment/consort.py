"""The top of the CONSORT funnel for the dashboard: screened, eligible, consented (enrolled and treated are
counted from the endpoint results, endpoints.services.results_from_rows)."""

from django.db.models import Count, Exists, OuterRef

from enrollment import rules
from enrollment.models import Consent, ScreeningRecord
from enrollment.protocol import ENROLLMENT_PROTOCOL


def screening_funnel_by_site() -> dict[str, dict[str, int]]:
    """Site code -> {"screened", "eligible", "consented"} over live screening records (2 queries, streamed)."""
    out: dict[str, dict[str, int]] = {}
    rows = ScreeningRecord.objects.live().values_list(
        "site__code", "criteria", "birth_date", "age_years", "screened_on"
    )
    for code, *row in rows.iterator(2000):
        counts = out.setdefault(code, {"screened": 0, "eligible": 0, "consented": 0})
        counts["screened"] += 1
        counts["eligible"] += _eligible(*row)
    consented = (
        ScreeningRecord.objects.live()
        .filter(Exists(Consent.objects.filter(screening=OuterRef("pk"), is_deleted=False)))
        .values_list("site__code")
        .annotate(n=Count("pk"))
    )
    for code, n in consented:
        out.setdefault(code, {"screened": 0, "eligible": 0, "consented": 0})["consented"] = n
    return out


def _eligible(criteria, birth_date, age_years, screened_on) -> bool:
    age = rules.age_on(birth_date, screened_on) if birth_date else age_years
    return rules.derive_eligibility(criteria or {}, ENROLLMENT_PROTOCOL, age_years=age).eligible

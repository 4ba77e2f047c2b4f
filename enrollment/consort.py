"""CONSORT funnel counts for the dashboard: screened, eligible, consented, enrolled, treated."""

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q

from enrollment import rules
from enrollment.models import Consent, Participant, ScreeningRecord, StatusChange
from enrollment.protocol import ENROLLMENT_PROTOCOL


def consort_counts(site_ids: Iterable[int] | None = None, treated_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Funnel over live records of `site_ids` (None: every site); four queries whatever the trial size.

    "treated": participants in `treated_ids` (pks of participants with any dose, when the caller knows
    them), else participants who reached "on treatment" (current status or a recorded status change).
    """
    screenings = ScreeningRecord.objects.live().for_sites(site_ids)
    screened = eligible = 0
    # Streamed: the screening log may be long (exports build this inside a memory-bounded snapshot).
    for row in screenings.values_list("criteria", "birth_date", "age_years", "screened_on").iterator(2000):
        screened += 1
        eligible += _eligible(*row)
    consented = screenings.filter(
        Exists(Consent.objects.filter(screening=OuterRef("pk"), is_deleted=False))
    ).count()
    participants = Participant.objects.live().for_sites(site_ids)
    if treated_ids is not None:
        treated = participants.filter(pk__in=list(treated_ids))
    else:
        reached = StatusChange.objects.filter(
            participant=OuterRef("pk"), to_status=rules.ON_TREATMENT, is_deleted=False
        )
        treated = participants.filter(Q(status__in=rules.TREATED_STATUSES) | Exists(reached))
    enrolled_and_treated = participants.aggregate(
        enrolled=Count("pk"), treated=Count("pk", filter=Q(pk__in=treated.values("pk")))
    )
    return {"screened": screened, "eligible": eligible, "consented": consented, **enrolled_and_treated}


def _eligible(criteria, birth_date, age_years, screened_on) -> bool:
    age = rules.age_on(birth_date, screened_on) if birth_date else age_years
    return rules.derive_eligibility(criteria or {}, ENROLLMENT_PROTOCOL, age_years=age).eligible

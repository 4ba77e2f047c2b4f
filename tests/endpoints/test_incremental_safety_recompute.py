"""Issue 15: a safety change reaches the stored endpoint result through the same trigger and incremental
recompute as an efficacy change, and the incremental result equals a recompute of the whole trial."""

import datetime

import pytest
from django.utils import timezone

from endpoints import services
from endpoints.models import EndpointSnapshot, ParticipantResult
from endpoints.tasks import recompute_endpoints
from integrity.models import ParticipantChange
from safety.models import AdverseEvent
from tests.factories import safety as sf
from tests.factories.assessments import FollowUpContactFactory
from tests.factories.endpoints import treated_with_mrd_negative_cr


def stored() -> tuple[dict, list[tuple]]:
    """Today's results and participant rows (the safety block included), minus when and from which version."""
    snapshot = EndpointSnapshot.objects.get(cutoff=timezone.localdate())
    rows = list(
        ParticipantResult.objects.filter(cutoff=snapshot.cutoff)
        .order_by("participant_id")
        .values_list("participant_id", "site_code", "groups", "km", "entry", "safety", "error")
    )
    return services.snapshot_results(snapshot), rows


def from_scratch() -> tuple[dict, list[tuple]]:
    EndpointSnapshot.objects.filter(cutoff=timezone.localdate()).delete()
    ParticipantResult.objects.filter(cutoff=timezone.localdate()).delete()
    recompute_endpoints()
    return stored()


def _row(results: dict, key: str) -> dict:
    return next(r for r in results["safety"]["ae_table"] if r["key"] == key)


@pytest.mark.django_db
def test_incremental_safety_block_equals_a_recompute_from_scratch_after_each_kind_of_safety_change(site_a, site_b):
    (a, cycle_a), (b, cycle_b), (c, cycle_c) = (treated_with_mrd_negative_cr(s) for s in (site_a, site_a, site_b))
    recompute_endpoints()
    assert EndpointSnapshot.objects.get().results["safety"]["ae_table"][0]["n"] == 0
    nausea = sf.AdverseEventFactory(participant=a, onset_date=cycle_a.day1_on + datetime.timedelta(days=3))
    recompute_endpoints()
    ae_id = nausea.pk

    def died(p, day1) -> None:
        on = day1 + datetime.timedelta(days=20)
        FollowUpContactFactory(participant=p, contact_date=on, vital_status="DEAD", death_date=on)

    changes = [
        (  # a new AE: CRS grade 3 at the other site, on day 2 of the infusion
            lambda: sf.CrsAdverseEventFactory(
                participant=c, onset_date=cycle_c.day1_on + datetime.timedelta(days=1), worst_grade=3
            ),
            lambda r: (
                (r["safety"]["crs"]["n_grade3plus"], r["safety"]["crs"]["median_onset_day"]) == (1, 2.0)
                and r["safety"]["boundary"]["events"] == 1
                and r["by_site"]["02"]["safety"]["crs"]["n"] == 1
            ),
        ),
        (  # a grade changed
            lambda: AdverseEvent.objects.filter(pk=ae_id).update(worst_grade=3),
            lambda r: (
                _row(r, "grade3plus")["n"] == 2
                and _row(r, "term:Gastrointestinal disorders|Nausea")["n_grade3plus"] == 1
            ),
        ),
        (  # the SAE flag set
            lambda: AdverseEvent.objects.filter(pk=ae_id).update(serious=True, sae_hospitalisation=True),
            lambda r: (
                r["safety"]["serious"]["n_events"] == 1
                and r["by_site"]["01"]["safety"]["serious"]["n_participants"] == 1
            ),
        ),
        (  # the AE removed (soft delete)
            lambda: AdverseEvent.objects.filter(pk=ae_id).update(is_deleted=True, deleted_reason="entered twice"),
            lambda r: (
                "term:Gastrointestinal disorders|Nausea" not in {x["key"] for x in r["safety"]["ae_table"]}
                and r["safety"]["serious"]["n_events"] == 0
            ),
        ),
        (  # a death on day 21
            lambda: died(b, cycle_b.day1_on),
            lambda r: r["safety"]["deaths"]["30"]["n"] == 1 and r["safety"]["deaths"]["60"]["n"] == 1,
        ),
    ]
    for change, changed in changes:
        change()
        assert ParticipantChange.objects.exists()  # the safety tables queue their participant like any other
        recompute_endpoints()
        incremental = stored()
        assert ParticipantChange.objects.count() == 0
        assert changed(incremental[0])
        assert incremental == from_scratch()

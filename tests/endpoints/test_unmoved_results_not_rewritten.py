"""A change that moves no number (a record touched, nothing it reads changed) brings the snapshot to the new data
version without rewriting its stored results; a change that moves one rewrites them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import BloodCount, FlowMrd
from endpoints.models import EndpointSnapshot
from endpoints.tasks import recompute_endpoints
from integrity.models import current_data_version
from tests.factories.endpoints import treated_with_mrd_negative_cr


def snapshot_updates(change) -> list[str]:
    """The UPDATEs of the snapshot row that the recompute after `change` runs."""
    change()
    with CaptureQueriesContext(connection) as queries:
        recompute_endpoints()
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "endpoints_endpointsnapshot"')]


@pytest.mark.django_db
def test_a_touched_record_updates_the_version_but_not_the_results(site_a, site_b):
    p, _ = treated_with_mrd_negative_cr(site_a)
    treated_with_mrd_negative_cr(site_b)
    recompute_endpoints()
    before = EndpointSnapshot.objects.get(cutoff=timezone.localdate())
    assert BloodCount.objects.filter(participant=p).exists()  # the row the change touches

    def touch() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE assessments_bloodcount SET updated_at = now() WHERE participant_id = %s", [p.pk])

    (update,) = snapshot_updates(touch)
    assert '"results"' not in update and '"data_version"' in update
    after = EndpointSnapshot.objects.get(cutoff=timezone.localdate())
    assert after.data_version == current_data_version() > before.data_version
    assert after.results == before.results


@pytest.mark.django_db
def test_a_change_that_moves_a_number_rewrites_the_results(site_a, site_b):
    p, _ = treated_with_mrd_negative_cr(site_a)
    treated_with_mrd_negative_cr(site_b)
    recompute_endpoints()
    before = EndpointSnapshot.objects.get(cutoff=timezone.localdate()).results
    (update,) = snapshot_updates(lambda: FlowMrd.objects.filter(marrow__participant=p).update(value_pct=0.3))
    assert '"results"' in update
    assert EndpointSnapshot.objects.get(cutoff=timezone.localdate()).results != before

"""load_cohort turns database rows into the engine's ParticipantData in a fixed number of queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from endpoints.loaders import load_cohort
from endpoints.models import EndpointSnapshot, ParticipantResult
from endpoints.tasks import recompute_endpoints
from tests.factories.cycles import TransplantFactory
from tests.factories.endpoints import treated_with_mrd_negative_cr as _treated_with_mrd_negative_cr
from tests.factories.enrollment import ParticipantFactory


def test_participant_data_filled_from_cycles_and_assessments_when_loaded(site_a, site_b):
    p, cycle = _treated_with_mrd_negative_cr(site_a)
    hsct = TransplantFactory(participant=p)
    untreated = ParticipantFactory(screening__site=site_b)
    cohort = load_cohort(timezone.localdate())
    data = {d.participant_id: d for d in cohort.participants}
    got = data[p.participant_id]
    assert got.c1d1 == cycle.day1_on and got.cycle_starts == (cycle.day1_on,)
    assert (got.eoc1.response, got.eoc1.flow_class, got.eoc1.ngs_class) == ("CR", "NEG", "NEG")
    assert got.eoc1.flow_value_pct == 0.02 and got.eoc1.flow_lod_pct == 0.005
    assert got.hsct_date == hsct.transplanted_on and got.eoc2 is None
    assert data[untreated.participant_id].c1d1 is None
    assert cohort.site_of == {p.participant_id: "01", untreated.participant_id: "02"}
    assert cohort.pk_of == {p.participant_id: p.pk, untreated.participant_id: untreated.pk}
    assert [d.participant_id for d in load_cohort(timezone.localdate(), [untreated.pk]).participants] == [
        untreated.participant_id
    ]


def test_consort_funnel_counts_from_screening_and_the_participant_rows_when_recomputed(site_a, site_b):
    _treated_with_mrd_negative_cr(site_a)
    ParticipantFactory(screening__site=site_b)
    recompute_endpoints()
    results = EndpointSnapshot.objects.get().results
    assert (results["consort"]["screened"], results["consort"]["enrolled"], results["consort"]["treated"]) == (2, 2, 1)
    assert (results["by_site"]["02"]["consort"]["enrolled"], results["by_site"]["02"]["consort"]["treated"]) == (1, 0)
    assert results["target_enrollment"] == 20


def test_load_cohort_query_count_is_the_same_when_more_participants(site_a, site_b):
    _treated_with_mrd_negative_cr(site_a)
    ParticipantFactory(screening__site=site_b)
    with CaptureQueriesContext(connection) as few:
        load_cohort(timezone.localdate())
    for site in (site_a, site_b, site_a, site_b, site_a):
        _treated_with_mrd_negative_cr(site)
    with CaptureQueriesContext(connection) as more:
        cohort = load_cohort(timezone.localdate())
    assert len(cohort.participants) == 7
    assert len(more.captured_queries) == len(few.captured_queries)


def test_recompute_counts_the_mrd_negative_cr_when_data_recorded(site_a):
    p, _ = _treated_with_mrd_negative_cr(site_a)
    recompute_endpoints()
    results = EndpointSnapshot.objects.get().results
    assert results["primary_endpoint"]["EOC1"]["n_responders"] == 1
    assert results["by_site"]["01"]["primary_endpoint"]["EOC1"]["n_responders"] == 1
    responders = ParticipantResult.objects.filter(groups__contains=["primary.EOC1.RESPONDER"])
    assert list(responders.values_list("participant_id", flat=True)) == [p.participant_id]


def test_death_after_the_cutoff_kept_so_os_is_censored_at_the_cutoff_when_loaded(site_a):
    from endpoints.calculations import derive_os
    from tests.factories.assessments import FollowUpContactFactory

    p, cycle = _treated_with_mrd_negative_cr(site_a)
    died = cycle.day1_on + datetime.timedelta(days=40)
    FollowUpContactFactory(participant=p, contact_date=died, vital_status="DEAD", death_date=died)
    cutoff = died - datetime.timedelta(days=1)
    (data,) = load_cohort(cutoff).participants
    assert data.death_date == died
    row = derive_os(data, cutoff)
    assert (row.ADT, row.CNSR, row.EVNTDESC_or_CNSDTDSC) == (cutoff, 1, "DATA CUTOFF")

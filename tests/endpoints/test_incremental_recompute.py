"""Today's recompute re-derives only the participants whose data changed, and stores exactly what a
recompute of the whole trial stores."""

import datetime
import time

import pytest
from django.db import connection
from django.utils import timezone

from assessments.models import BoneMarrowAssessment, FlowMrd, NgsMrd
from endpoints import services
from endpoints.calculations import summarise
from endpoints.models import EndpointSnapshot, ParticipantResult
from endpoints.tasks import load_work, recompute_endpoints
from enrollment.models import Participant
from integrity.models import ParticipantChange
from tests.factories.assessments import FollowUpContactFactory, MarrowFactory, NgsMrdFactory
from tests.factories.cycles import TransplantFactory
from tests.factories.endpoints import synthetic_cohort, treated_with_mrd_negative_cr
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory


def stored() -> tuple[dict, list[tuple]]:
    """Today's results (their curves' tables put back) and participant rows, minus what says when or from which
    version they were made."""
    snapshot = EndpointSnapshot.objects.get(cutoff=timezone.localdate())
    rows = list(
        ParticipantResult.objects.filter(cutoff=snapshot.cutoff)
        .order_by("participant_id")
        .values_list("participant_id", "participant_pk", "site_code", "groups", "km", "entry", "error")
    )
    return services.snapshot_results(snapshot), rows


def from_scratch() -> tuple[dict, list[tuple]]:
    """What a recompute of the whole trial stores now (today's snapshot and rows dropped first)."""
    EndpointSnapshot.objects.filter(cutoff=timezone.localdate()).delete()
    ParticipantResult.objects.filter(cutoff=timezone.localdate()).delete()
    recompute_endpoints()
    return stored()


def changed_participants() -> set[int | None]:
    return set(ParticipantChange.objects.values_list("participant_pk", flat=True))


@pytest.mark.django_db
def test_every_write_path_queues_its_participant_when_clinical_data_change(site_a):
    p, cycle = treated_with_mrd_negative_cr(site_a)
    other = ParticipantFactory(screening__site=site_a)
    ParticipantChange.objects.all().delete()
    marrow = BoneMarrowAssessment.objects.get(participant=p)
    FlowMrd.objects.filter(marrow=marrow).update(value_pct=0.5)  # through the marrow to its participant
    assert changed_participants() == {p.pk}
    ParticipantChange.objects.all().delete()
    with connection.cursor() as cursor:  # raw SQL, through the cycle to its participant
        cursor.execute("UPDATE cycles_administration SET reason = 'raw' WHERE cycle_id = %s", [cycle.pk])
        cursor.execute("UPDATE cycles_cycle SET day1_on = day1_on WHERE id = %s", [cycle.pk])
    assert changed_participants() == {p.pk}
    ParticipantChange.objects.all().delete()
    BoneMarrowAssessment.objects.filter(pk=marrow.pk).update(participant=other)  # moved: both participants
    assert changed_participants() == {p.pk, other.pk}
    ParticipantChange.objects.all().delete()
    ScreeningFactory(site=site_a)  # no participant: the screening funnel is to be counted again
    assert changed_participants() == {None}


@pytest.mark.django_db
def test_only_the_changed_participants_are_loaded_again_when_todays_snapshot_exists(site_a, site_b):
    p, _ = treated_with_mrd_negative_cr(site_a)
    treated_with_mrd_negative_cr(site_b)
    recompute_endpoints()
    assert ParticipantChange.objects.count() == 0  # the first (whole-trial) run consumed the queue
    FollowUpContactFactory(participant=p)
    work = load_work(timezone.localdate())
    assert work["changed_pks"] == [p.pk]
    assert [d.participant_id for d in work["cohort"].participants] == [p.participant_id]


@pytest.mark.django_db
def test_a_past_cutoff_is_computed_whole_and_leaves_todays_queue_alone(site_a):
    p, _ = treated_with_mrd_negative_cr(site_a)
    recompute_endpoints()
    FollowUpContactFactory(participant=p)
    work = load_work(timezone.localdate() - datetime.timedelta(days=3))
    assert work["changed_pks"] is None and work["handled_changes"] == []
    recompute_endpoints((timezone.localdate() - datetime.timedelta(days=3)).isoformat())
    assert changed_participants() == {p.pk}


@pytest.mark.django_db
def test_incremental_results_equal_a_recompute_from_scratch_after_each_change(site_a, site_b):
    participants = [treated_with_mrd_negative_cr(site)[0] for site in (site_a, site_a, site_b, site_b)]
    untreated = ParticipantFactory(screening__site=site_b)
    recompute_endpoints()
    a, b, c, d = participants

    def died(p: Participant) -> None:
        on = BoneMarrowAssessment.objects.filter(participant=p).values_list("sample_date", flat=True).first()
        on += datetime.timedelta(days=20)
        FollowUpContactFactory(participant=p, contact_date=on, vital_status="DEAD", death_date=on)

    changes = [
        lambda: FlowMrd.objects.filter(marrow__participant=a).update(value_pct=0.3),  # MRD positive now
        lambda: died(b),
        lambda: TransplantFactory(participant=c),
        lambda: MarrowFactory(participant=d, timepoint="EOC2", blasts_pct=30.0,
                              sample_date=timezone.localdate() - datetime.timedelta(days=1)),
        lambda: BoneMarrowAssessment.objects.filter(participant=a).update(is_deleted=True, deleted_reason="twice"),
        lambda: Participant.objects.filter(pk=untreated.pk).update(is_deleted=True, deleted_reason="test record"),
        lambda: Participant.objects.filter(pk=c.pk).update(site=site_a),  # moved to the other site
        lambda: ScreeningFactory(site=site_a),
    ]
    for change in changes:
        change()
        recompute_endpoints()
        incremental = stored()
        assert ParticipantChange.objects.count() == 0
        assert incremental == from_scratch()


@pytest.mark.django_db
def test_incremental_mrd_and_responder_blocks_equal_a_recompute_from_scratch_after_each_kind_of_change(site_a, site_b):
    """Issue 20: a new NGS result, a flow value edited across the 0.1 % and the 0.01 % cut-offs, a relapse and a
    death in remission; each must change its block, and the incremental result must equal the full one."""
    a, b, c, d = (treated_with_mrd_negative_cr(site)[0] for site in (site_a, site_a, site_b, site_b))
    recompute_endpoints()
    today, one_week = timezone.localdate(), datetime.timedelta(days=7)

    def new_ngs_result(p: Participant) -> None:
        NgsMrd.objects.filter(marrow__participant=p).update(is_deleted=True, deleted_reason="sample re-run")
        NgsMrdFactory(marrow=BoneMarrowAssessment.objects.get(participant=p), result="DETECTED", value_fraction=5e-5)

    def contact(p: Participant, **fields) -> None:
        FollowUpContactFactory(participant=p, contact_date=today - datetime.timedelta(days=2), **fields)

    changes = [
        (lambda: new_ngs_result(a), lambda r: r["mrd_ngs"]["EOC1"]["bands"]["1E-6_TO_LT_1E-4"]["n"] == 1),
        (
            lambda: FlowMrd.objects.filter(marrow__participant=b).update(value_pct=0.15),  # 0.02 % -> 0.15 %
            lambda r: r["mrd_flow"]["flow1e-3"]["EOC1"]["all"]["n_positive"] == 1,
        ),
        (
            lambda: FlowMrd.objects.filter(marrow__participant=c).update(value_pct=0.005),  # 0.02 % -> 0.005 %
            lambda r: r["mrd_flow"]["flow1e-4"]["EOC1"]["all"]["n_negative"] == 1,
        ),
        (
            lambda: contact(c, disease_status="RELAPSE", relapse_date=today - one_week),
            lambda r: r["responders"]["cif"]["CIR"]["n_events"] == 1,
        ),
        (
            lambda: contact(d, vital_status="DEAD", disease_status="NOT_ASSESSED", death_date=today - one_week),
            lambda r: r["responders"]["cif"]["CIR"]["n_competing"] == 1,
        ),
    ]
    for change, changed in changes:
        change()
        recompute_endpoints()
        incremental = stored()
        assert changed(incremental[0]) and incremental[0]["mrd_flow"]["flow1e-3"]["EOC2"]["n_pending"] == 4
        assert incremental == from_scratch()


@pytest.mark.django_db
def test_a_change_queued_while_the_results_were_stored_stays_queued(site_a):
    p, _ = treated_with_mrd_negative_cr(site_a)
    cutoff = timezone.localdate()
    handled = list(ParticipantChange.objects.values_list("id", flat=True))
    cohort = synthetic_cohort(2, cutoff)
    late = ParticipantChange.objects.create(participant_pk=p.pk)  # committed after the task read the queue
    services.store_snapshot(
        cutoff=cutoff, data_version=1, calc_version="x", cohort=cohort, funnel={}, target=20,
        summaries=[summarise(d, cutoff) for d in cohort.participants], started=time.perf_counter(),
        handled_changes=handled,
    )
    assert list(ParticipantChange.objects.values_list("id", flat=True)) == [late.pk]


@pytest.mark.django_db
def test_the_screening_funnel_is_counted_again_only_when_screening_or_consent_changed(site_a):
    p, _ = treated_with_mrd_negative_cr(site_a)
    recompute_endpoints()
    FollowUpContactFactory(participant=p)
    assert load_work(timezone.localdate())["funnel"] is None  # kept from the stored snapshot
    ScreeningFactory(site=site_a)
    assert load_work(timezone.localdate())["funnel"]["01"]["screened"] == 2
    recompute_endpoints()
    assert EndpointSnapshot.objects.get(cutoff=timezone.localdate()).results["consort"]["screened"] == 2

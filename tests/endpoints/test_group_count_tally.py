"""The group counts kept with a snapshot are brought forward by each change (rows removed subtracted, rows
written added), and a recompute after one change uses them instead of counting every stored row again."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import BoneMarrowAssessment, FlowMrd
from endpoints import services
from endpoints.calculations import tally_groups
from endpoints.models import EndpointSnapshot
from endpoints.tasks import recompute_endpoints
from enrollment.models import Participant
from tests.factories.assessments import FollowUpContactFactory
from tests.factories.endpoints import treated_with_mrd_negative_cr
from tests.factories.enrollment import ParticipantFactory


def test_a_change_subtracts_the_removed_rows_and_adds_the_written_ones():
    before = {"01": {"all": 3, "treated": 2, "OS.event": 1}, "02": {"all": 1, "not_treated": 1}}
    removed = [("01", ["all", "treated", "OS.event"]), ("02", ["all", "not_treated"])]
    added = [("01", ["all", "treated", "OS.censored"]), ("03", ["all", "treated"])]
    assert tally_groups(before, removed, added) == {
        "01": {"all": 3, "treated": 2, "OS.censored": 1},  # OS.event counted 0: not listed
        "03": {"all": 1, "treated": 1},  # site 02 has no row left: not listed
    }


def test_the_whole_trial_is_counted_from_its_rows_alone():
    rows = [("01", ["all", "treated"]), ("01", ["all", "not_treated"]), ("02", ["enrolled_after_cutoff"])]
    assert tally_groups({}, [], rows) == {
        "01": {"all": 2, "treated": 1, "not_treated": 1},
        "02": {"enrolled_after_cutoff": 1},
    }


def test_counts_that_do_not_belong_to_the_rows_are_refused():
    with pytest.raises(ValueError, match="below 0"):
        tally_groups({"01": {"all": 1}}, [("01", ["all", "treated"])], [])


def today_counts() -> dict:
    return EndpointSnapshot.objects.get(cutoff=timezone.localdate()).group_counts


def counted_in_sql() -> dict:
    return {code: dict(counts) for code, counts in services.counted_groups(timezone.localdate()).items()}


@pytest.mark.django_db
def test_the_kept_counts_equal_a_count_of_the_stored_rows_after_each_change(site_a, site_b):
    a, _ = treated_with_mrd_negative_cr(site_a)
    b, _ = treated_with_mrd_negative_cr(site_b)
    untreated = ParticipantFactory(screening__site=site_b)
    recompute_endpoints()
    assert today_counts() == counted_in_sql() and today_counts()["01"]["treated"] == 1

    def died(p: Participant) -> None:
        on = BoneMarrowAssessment.objects.filter(participant=p).values_list("sample_date", flat=True).first()
        on += datetime.timedelta(days=20)
        FollowUpContactFactory(participant=p, contact_date=on, vital_status="DEAD", death_date=on)

    changes = [
        lambda: FlowMrd.objects.filter(marrow__participant=a).update(value_pct=0.3),
        lambda: died(b),
        lambda: Participant.objects.filter(pk=b.pk).update(site=site_a),  # moved: out of one site, into another
        lambda: Participant.objects.filter(pk=untreated.pk).update(is_deleted=True, deleted_reason="test record"),
        lambda: ParticipantFactory(screening__site=site_b),
    ]
    for change in changes:
        change()
        with CaptureQueriesContext(connection) as queries:
            recompute_endpoints()
        assert not any("unnest(" in q["sql"] for q in queries.captured_queries)  # not counted again in SQL
        assert today_counts() == counted_in_sql()
    assert today_counts()["01"]["treated"] == 2 and today_counts()["02"] == {"all": 1, "not_treated": 1}


@pytest.mark.django_db
def test_a_snapshot_stored_without_counts_has_its_rows_counted_once(site_a):
    p, _ = treated_with_mrd_negative_cr(site_a)
    recompute_endpoints()
    kept = today_counts()
    EndpointSnapshot.objects.update(group_counts={})  # as stored before the counts were kept
    FollowUpContactFactory(participant=p)
    with CaptureQueriesContext(connection) as queries:
        recompute_endpoints()
    assert sum("unnest(" in q["sql"] for q in queries.captured_queries) == 1
    assert today_counts() == counted_in_sql() == kept

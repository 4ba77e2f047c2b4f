"""The curves' tables are stored apart from the snapshot's results (EndpointCurve rows): the stored results hold
none, a reader gets them back whole, and a recompute rewrites only the tables whose inputs moved."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from assessments.models import BoneMarrowAssessment
from endpoints import calculations as calc
from endpoints import curves, services
from endpoints.models import EndpointCurve, EndpointSnapshot
from endpoints.tasks import recompute_endpoints
from tests.factories.assessments import FollowUpContactFactory
from tests.factories.endpoints import store_synthetic_snapshot, synthetic_cohort, treated_with_mrd_negative_cr

CUTOFF = datetime.date(2026, 6, 30)
# 4 survival curves, 4 among responders, 2 relapse and 2 competing-death incidences, in each scope
PATHS = {
    "km.OS", "km.EFS", "km.OS_HSCT_CENSORED", "km.EFS_HSCT_CENSORED",
    "responders.km.RFS", "responders.km.RFS_HSCT_CENSORED", "responders.km.DOR", "responders.km.DOR_HSCT_CENSORED",
    "responders.cif.CIR", "responders.cif.CIR_HSCT_CENSORED", "responders.cif.CID", "responders.cif.CID_HSCT_CENSORED",
}


def tables_in(value) -> int:
    """How many "table" keys the JSON value holds, at any depth."""
    if isinstance(value, dict):
        return sum(k == "table" for k in value) + sum(tables_in(v) for v in value.values())
    if isinstance(value, list):
        return sum(tables_in(v) for v in value)
    return 0


def results_by_site(n: int = 60) -> dict:
    cohort = synthetic_cohort(n, CUTOFF, seed=5)
    summaries = {p.participant_id: calc.summarise(p, CUTOFF) for p in cohort.participants}
    results = calc.aggregate_summaries(list(summaries.values()), CUTOFF)
    results["by_site"] = {
        code: calc.aggregate_summaries([summaries[p.participant_id] for p in members], CUTOFF)
        for code, members in cohort.by_site().items()
    }
    return results


def test_detached_results_hold_no_table_and_attaching_them_gives_the_results_back():
    results = results_by_site()
    assert tables_in(results) == 3 * 12
    lean, tables = curves.detach_tables(results, "7")
    assert tables_in(lean) == 0
    assert set(tables) == {(scope, path) for scope in ("ALL", "01", "02") for path in PATHS}
    assert tables[("01", "km.OS")] == ("7:" + results["by_site"]["01"]["km_digests"]["OS"],
                                       results["by_site"]["01"]["km"]["OS"]["table"])
    assert tables[("ALL", "responders.cif.CID")][0] == "7:" + results["km_digests"]["CIR"]
    assert tables_in(results) == 3 * 12  # the argument is left as it was
    assert curves.attach_tables(lean, {key: table for key, (_, table) in tables.items()}) == results


def test_only_tables_whose_inputs_moved_are_written():
    stored = {("ALL", "km.OS"): "7:a", ("ALL", "km.EFS"): "7:b", ("02", "km.OS"): "7:c"}
    new = {("ALL", "km.OS"): ("7:a", None), ("ALL", "km.EFS"): ("7:B", [{"time": 1}]), ("01", "km.OS"): ("7:d", [])}
    assert curves.curves_to_write(new, stored) == ([("ALL", "km.EFS"), ("01", "km.OS")], [("02", "km.OS")])
    with pytest.raises(ValueError, match="without its table"):
        curves.curves_to_write({("ALL", "km.OS"): ("7:z", None)}, stored)


@pytest.mark.django_db
def test_the_stored_curves_are_the_curves_of_the_whole_cohort_computed_in_memory():
    cohort = synthetic_cohort(80, CUTOFF, seed=9)
    snapshot = store_synthetic_snapshot(cohort, CUTOFF, draw_plots=False)
    assert tables_in(snapshot.results) == 0
    assert EndpointCurve.objects.filter(snapshot=snapshot).count() == 3 * 12
    full = services.snapshot_results(snapshot)
    expected = calc.compute_all(cohort.participants, CUTOFF)  # the in-memory route the exports take
    assert full["km"] == expected["km"]
    assert full["responders"] == expected["responders"]
    site = services.snapshot_results(snapshot, ["02"])
    assert tables_in(site["by_site"]["02"]) == 12 and tables_in(site["km"]) == 0


def curve_versions() -> dict[tuple[str, str], str]:
    """(scope, path) -> the row version (xmin) of each stored table: it changes when the row is rewritten."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT scope, path, xmin::text FROM endpoints_endpointcurve")
        return {(scope, path): xmin for scope, path, xmin in cursor.fetchall()}


@pytest.mark.django_db
def test_a_death_rewrites_the_curves_it_moves_and_leaves_the_other_sites_tables_alone(site_a, site_b):
    a, _ = treated_with_mrd_negative_cr(site_a)
    treated_with_mrd_negative_cr(site_a)
    treated_with_mrd_negative_cr(site_b)
    recompute_endpoints()
    before = curve_versions()
    assert len(before) == 3 * 12

    on = BoneMarrowAssessment.objects.filter(participant=a).values_list("sample_date", flat=True).first()
    on += datetime.timedelta(days=10)
    FollowUpContactFactory(participant=a, contact_date=on, vital_status="DEAD", death_date=on)
    recompute_endpoints()
    after = curve_versions()
    assert set(after) == set(before)
    rewritten = {key for key in after if after[key] != before[key]}
    for scope in ("ALL", site_a.code):
        assert {(scope, "km.OS"), (scope, "km.EFS")} <= rewritten
    assert not any(scope == site_b.code for scope, _ in rewritten)
    assert len(rewritten) < len(after)

    with connection.cursor() as cursor:  # a record touched: no number moves, no table is written
        cursor.execute("UPDATE assessments_bloodcount SET updated_at = now() WHERE participant_id = %s", [a.pk])
    recompute_endpoints()
    assert curve_versions() == after


@pytest.mark.django_db
def test_a_snapshot_with_its_tables_inline_is_read_whole_and_moved_apart_by_its_next_recompute(site_a, site_b):
    a, _ = treated_with_mrd_negative_cr(site_a)
    treated_with_mrd_negative_cr(site_b)
    recompute_endpoints()
    snapshot = EndpointSnapshot.objects.get(cutoff=timezone.localdate())
    full = services.snapshot_results(snapshot)
    EndpointSnapshot.objects.filter(pk=snapshot.pk).update(results=full)  # as stored before migration 0009
    EndpointCurve.objects.all().delete()
    assert services.snapshot_results(EndpointSnapshot.objects.get(pk=snapshot.pk)) == full

    with connection.cursor() as cursor:  # a record touched: the numbers stay, the results are stored anew
        cursor.execute("UPDATE assessments_bloodcount SET updated_at = now() WHERE participant_id = %s", [a.pk])
    recompute_endpoints()
    snapshot = EndpointSnapshot.objects.get(pk=snapshot.pk)
    assert tables_in(snapshot.results) == 0
    assert EndpointCurve.objects.filter(snapshot=snapshot).count() == 3 * 12
    assert services.snapshot_results(snapshot) == full

"""Issue 15: every participant count of the safety panel links to the drill-down list of exactly those participants.

The expected lists are counted here with plain loops over the factory records (treatment-emergent = onset from the
first dose, C1D1 here, to 30 days after the last dose, DOMAIN 4.1), not through the endpoint recompute; the links
are read from the rendered dashboard and followed, as an investigator would. A site-limited user only ever gets
their own site's participants; a coordinator gets no drill-down at all.
"""

import datetime
import html
import re
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from endpoints import calculations
from endpoints.models import EndpointSnapshot, ParticipantResult
from endpoints.tasks import recompute_endpoints
from safety.calculations import (
    BOUNDARY_GROUP_KEY,
    DEATH_WINDOWS_DAYS,
    SAE_GROUP_KEY,
    ae_group_key,
    crs_icans_group_key,
    death_group_key,
)
from safety.models import Relationship
from tests.factories import safety as sf
from tests.factories.assessments import FollowUpContactFactory
from tests.factories.endpoints import store_synthetic_snapshot, synthetic_cohort, treated_with_mrd_negative_cr
from tests.factories.enrollment import ParticipantFactory

DASHBOARD = reverse("endpoints:dashboard")
TEAE_WINDOW = datetime.timedelta(days=30)
LAST_DOSE_AFTER_DAY1 = datetime.timedelta(days=2)  # SegmentFactory: a 48-hour infusion from C1D1


@pytest.fixture
def safety_trial(site_a, site_b):
    """Five treated participants with AEs (three at site A, two at site B), one treated without any, one never
    treated with an AE. Returns (participants by name, C1D1 by participant id, the AE records)."""
    people, day1 = {}, {}
    for name, site in (("a1", site_a), ("a2", site_a), ("a3", site_a), ("a4", site_a), ("b1", site_b), ("b2", site_b)):
        p, cycle = treated_with_mrd_negative_cr(site)
        people[name], day1[p.participant_id] = p, cycle.day1_on
    people["untreated"] = ParticipantFactory(screening__site=site_a)

    def ae(name, factory=sf.AdverseEventFactory, term=None, days=3, **fields):
        p = people[name]
        start = day1.get(p.participant_id, p.enrolled_on)
        extra = {"term": sf.term(term)} if term else {}
        return factory(participant=p, onset_date=start + datetime.timedelta(days=days), **extra, **fields)

    not_related = Relationship.NOT_RELATED
    aes = [
        ae("a1", worst_grade=2),  # nausea, possibly related to blinatumomab (the factory's default)
        ae("a1", sf.CrsAdverseEventFactory, worst_grade=3),
        ae("a2", term=sf.ANEMIA_TERM, worst_grade=4, serious=True, relationship_blinatumomab=not_related),
        ae("a3", term=sf.ANEMIA_TERM, worst_grade=4, days=-1),  # before the first dose: not treatment-emergent
        ae("a3", worst_grade=1, relationship_blinatumomab=not_related),
        ae("b1", worst_grade=3),
        ae("b1", sf.CrsAdverseEventFactory, worst_grade=1),
        ae("b2", sf.CrsAdverseEventFactory, worst_grade=4, relationship_blinatumomab=not_related),
        ae("untreated", worst_grade=3),
    ]
    b2 = people["b2"]
    died = day1[b2.participant_id] + datetime.timedelta(days=20)  # study day 21
    FollowUpContactFactory(participant=b2, contact_date=died, vital_status="DEAD", death_date=died)
    recompute_endpoints()
    return people, day1, aes


def teae(ae, day1: dict[str, date]) -> bool:
    start = day1.get(ae.participant.participant_id)
    return start is not None and start <= ae.onset_date <= start + LAST_DOSE_AFTER_DAY1 + TEAE_WINDOW


def expected_lists(aes, day1: dict[str, date]) -> dict[tuple[str, str], set[str]]:
    """(AE table row, column class) -> participant ids, counted from the records: a participant counts once per
    row, in the grade >= 3 column when their worst grade in the row is >= 3."""
    worst: dict[str, dict[str, int]] = {}  # row -> participant -> worst grade
    crs: dict[str, int] = {}
    for ae in aes:
        pid, grade = ae.participant.participant_id, ae.worst_grade
        if ae.term.code == "cytokine_release_syndrome" and pid in day1:
            crs[pid] = max(crs.get(pid, 0), grade)
        if not teae(ae, day1):
            continue
        rows = ["any", f"soc:{ae.term.soc}", f"term:{ae.term.soc}|{ae.term.term}"]
        if ae.relationship_blinatumomab in (Relationship.POSSIBLE, Relationship.PROBABLE, Relationship.DEFINITE):
            rows.append("related:blinatumomab")
        for row in rows:
            worst.setdefault(row, {})[pid] = max(worst.get(row, {}).get(pid, 0), grade)
    worst["grade3plus"] = {p: g for p, g in worst["any"].items() if g >= 3}

    out = {}
    for row, grades in worst.items():
        out[(row, "safety-any")] = set(grades)
        out[(row, "safety-g3")] = {p for p, g in grades.items() if g >= 3}
    out[("CRS", "safety-any")] = set(crs)
    out[("CRS", "safety-g3")] = {p for p, g in crs.items() if g >= 3}
    return out


def row_testid(row: str) -> str:
    """The dashboard's test id of an AE table row (or of the CRS row)."""
    return "safety-crs" if row == "CRS" else "safety-ae-" + slugify(row)


def row_link(page: str, testid: str, column: str) -> tuple[str, int]:
    """The href and the number of the link in cell `column` of the row `testid` of the rendered dashboard."""
    row = re.search(rf'<tr[^>]*data-testid="{re.escape(testid)}"[^>]*>(.*?)</tr>', page, re.S)
    assert row, f"no row {testid}"
    cell = re.search(rf'<td class="{column}"><a href="([^"]+)">(\d+)</a>', row.group(1))
    assert cell, f"no link in {testid} {column}"
    return html.unescape(cell.group(1)), int(cell.group(2))


def listed(client, url: str) -> tuple[set[str], str]:
    """The participant ids and the title of a drill-down page."""
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    title = re.search(r"<h1[^>]*>Participants: (.*?)</h1>", page, re.S).group(1)
    return set(re.findall(r'<td class="mono">([^<]+)</td>', page)), html.unescape(title)


ROWS = [  # (AE table row, column): a few rows of the AE table, and CRS
    ("any", "safety-any"),
    ("any", "safety-g3"),
    ("grade3plus", "safety-any"),
    ("related:blinatumomab", "safety-any"),
    ("related:blinatumomab", "safety-g3"),
    ("soc:Gastrointestinal disorders", "safety-any"),
    ("term:Gastrointestinal disorders|Nausea", "safety-any"),
    ("term:Gastrointestinal disorders|Nausea", "safety-g3"),
    ("CRS", "safety-any"),
    ("CRS", "safety-g3"),
]


def test_each_safety_count_links_to_exactly_the_participants_counted_from_the_records(
    data_manager_client, safety_trial
):
    people, day1, aes = safety_trial
    expected = expected_lists(aes, day1)
    assert expected[("any", "safety-any")] == {
        people[n].participant_id for n in ("a1", "a2", "a3", "b1", "b2")
    }  # the fixture is what it says: the untreated participant and a3's early AE stay out
    page = data_manager_client.get(DASHBOARD).content.decode()
    seen_titles = set()
    for row, column in ROWS:
        url, n = row_link(page, row_testid(row), column)
        assert "/ALL/participants/?" in url  # the pooled scope for a data manager of every site
        ids, title = listed(data_manager_client, url)
        assert ids == expected[(row, column)], (row, column)
        assert n == len(ids)
        assert "safety." not in title and title not in seen_titles  # words, one title per count
        seen_titles.add(title)
    _, title = listed(data_manager_client, row_link(page, "safety-crs", "safety-g3")[0])
    assert title == "Cytokine release syndrome (CRS), worst grade 3 or higher (ASTCT 2019)"


def test_deaths_saes_and_the_boundary_link_to_their_participants(data_manager_client, safety_trial):
    people, day1, aes = safety_trial
    page = data_manager_client.get(DASHBOARD).content.decode()
    serious = {ae.participant.participant_id for ae in aes if ae.serious and teae(ae, day1)}
    boundary = {
        ae.participant.participant_id
        for ae in aes
        if ae.term.code == "cytokine_release_syndrome" and ae.worst_grade >= 3 and teae(ae, day1)
    }
    dead = {people["b2"].participant_id}  # died on study day 21
    cases = [("safety-serious", serious), ("safety-boundary", boundary)]
    cases += [(f"safety-deaths-{days}", dead) for days in DEATH_WINDOWS_DAYS]
    for test_id, expected in cases:
        block = re.search(rf'data-testid="{test_id}"(.*?)</(li|p)>', page, re.S).group(1)
        link = re.search(r'<a href="([^"]+)">(\d+)</a>', block)
        ids, title = listed(data_manager_client, html.unescape(link.group(1)))
        assert ids == expected and int(link.group(2)) == len(expected), test_id
        assert "safety." not in title


def test_a_site_a_user_never_sees_a_site_b_participant_in_a_safety_drill_down(
    investigator_client, coordinator_client, safety_trial
):
    people, day1, aes = safety_trial
    site_a_ids = {p.participant_id for p in people.values() if p.site.code == "01"}
    expected = expected_lists(aes, day1)
    page = investigator_client.get(DASHBOARD).content.decode()  # investigator of site 01 only
    for row, column in ROWS:
        url, n = row_link(page, row_testid(row), column)
        assert "/01/participants/?" in url
        ids = listed(investigator_client, url)[0]
        assert ids == expected[(row, column)] & site_a_ids and n == len(ids)
        key = re.search(r"[?&]g=([^&]+)", url).group(1)
        for scope in ("ALL", "02"):  # the pooled block and site B's are not theirs
            other = reverse("endpoints:group", args=[timezone.localdate().isoformat(), scope]) + f"?g={key}"
            assert investigator_client.get(other).status_code == 404
        for scope in ("01", "ALL", "02"):  # a coordinator has no drill-down, not even of their own site
            url_c = reverse("endpoints:group", args=[timezone.localdate().isoformat(), scope]) + f"?g={key}"
            response = coordinator_client.get(url_c)
            assert response.status_code == 403
            assert not any(p.participant_id in response.content.decode() for p in people.values())


def test_every_safety_count_equals_the_size_of_its_group_on_a_synthetic_trial():
    """Pure: over 300 synthetic participants, every participant count of the safety results (AE table rows in both
    columns, CRS and ICANS, deaths, SAEs, the boundary) is the number of participants holding its key."""
    cutoff = date(2026, 6, 30)
    cohort = synthetic_cohort(300, cutoff)
    summaries = [calculations.summarise(p, cutoff) for p in cohort.participants]
    safety = calculations.aggregate_summaries(summaries, cutoff)["safety"]
    n = Counter(key for s in summaries for key in s.groups)
    assert safety["ae_table"][0]["n"] > 50 and safety["crs"]["n_grade3plus"] > 0
    for row in safety["ae_table"]:
        assert (n[ae_group_key(row["key"], "any")], n[ae_group_key(row["key"], "g3")]) == (
            row["n"],
            row["n_grade3plus"],
        ), row["key"]
    for kind in ("crs", "icans"):
        got = (n[crs_icans_group_key(kind, "any")], n[crs_icans_group_key(kind, "g3")])
        assert got == (safety[kind]["n"], safety[kind]["n_grade3plus"])
    for days in DEATH_WINDOWS_DAYS:
        assert n[death_group_key(days)] == safety["deaths"][str(days)]["n"]
    assert n[SAE_GROUP_KEY] == safety["serious"]["n_participants"]
    assert n[BOUNDARY_GROUP_KEY] == safety["boundary"]["events"]
    groups = calculations.participant_groups(summaries)
    assert groups.get(BOUNDARY_GROUP_KEY, []) == safety["boundary"]["participants"]


def test_a_safety_drill_down_makes_as_many_queries_for_2000_participants_as_for_20(
    data_manager_client, django_assert_max_num_queries
):
    cutoff = date(2026, 6, 30)
    url = reverse("endpoints:group", args=[cutoff.isoformat(), "ALL"]) + "?g=" + ae_group_key("grade3plus", "g3")

    def queries() -> int:
        data_manager_client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            response = data_manager_client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    store_synthetic_snapshot(synthetic_cohort(20, cutoff), cutoff, draw_plots=False)
    small = queries()
    EndpointSnapshot.objects.all().delete()
    ParticipantResult.objects.all().delete()
    store_synthetic_snapshot(synthetic_cohort(2000, cutoff), cutoff, draw_plots=False)
    with django_assert_max_num_queries(small):
        response = data_manager_client.get(url)
    assert int(re.search(r'data-testid="group-count">(\d+)<', response.content.decode()).group(1)) > 100


def test_long_terms_of_one_system_organ_class_keep_their_own_lists(data_manager_client, site_a):
    """The longest names a term may have (200 characters each for the term and its SOC) make keys of about 420
    characters: two terms of one SOC that differ only at their end are two lists, not one cut key."""
    soc = "Neoplasms benign, malignant and unspecified (incl cysts and polyps) " + "x" * 132
    names = ["Tumour flare " + "y" * 186 + end for end in "12"]
    people = []
    for i, name in enumerate(names):
        p, cycle = treated_with_mrd_negative_cr(site_a)
        spec = {"code": f"long_term_{i}", "term": name, "soc": soc, "allowed_grades": [1, 2, 3, 4, 5]}
        sf.AdverseEventFactory(
            participant=p, onset_date=cycle.day1_on + datetime.timedelta(days=3), term=sf.term(spec), worst_grade=3
        )
        people.append(p)
    recompute_endpoints()
    page = data_manager_client.get(DASHBOARD).content.decode()
    for p, name in zip(people, names, strict=True):
        url, n = row_link(page, row_testid(f"term:{soc}|{name}"), "safety-g3")
        ids, title = listed(data_manager_client, url)
        assert (ids, n) == ({p.participant_id}, 1)
        assert title == f"Treatment-emergent {name} ({soc}), worst grade 3 or higher"

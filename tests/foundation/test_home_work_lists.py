"""The home page is a work list per role: the right items, each a link, only of the user's sites.

The trial below is built from factories; each expected list is written out from how the trial was built
(which participant has what), not from the providers' code.
"""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from blinatrial import access
from integrity.models import DataQuery, LockScope, QueryStatus
from tests.factories.assessments import FlowMrdFactory, MarrowFactory, ResponseCallFactory
from tests.factories.cycles import start_cycle
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory, UserFactory
from tests.factories.integrity import DataQueryFactory, LockFactory
from tests.factories.safety import AdverseEventFactory
from tests.login import force_verified_login

HOME = reverse("home")
# Cycle 1's scheduled visits (DOMAIN 2.1): day 1, 8, 15, 22 and the end-of-cycle marrow (day 26-35).
CYCLE1_VISITS = ("Day 1", "Day 8 (step-up)", "Day 15", "Day 22", "End-of-cycle marrow")


def _participant(site):
    return ParticipantFactory(screening=ScreeningFactory(site=site, status="enrolled"))


@pytest.fixture
def trial(site_a, site_b, monitor):
    """Site A: `late` started cycle 1 57 days ago and recorded nothing since; `done` has a complete, unsigned
    end of cycle 1 with a response call the automatic check disputes. Site B mirrors `late`."""
    late, done, other = _participant(site_a), _participant(site_a), _participant(site_b)
    for p in (late, other):
        start_cycle(p, p.enrolled_on + datetime.timedelta(days=1))
    marrow = MarrowFactory(participant=done)
    FlowMrdFactory(marrow=marrow)
    call = ResponseCallFactory(marrow=marrow)
    to_answer = DataQueryFactory(record=late.screening, participant=late, site=site_a, field_name="initials",
                                 raised_by=monitor)
    answered = DataQueryFactory(record=done, participant=done, site=site_a, status=QueryStatus.ANSWERED)
    DataQueryFactory(record=done, participant=done, site=site_a, status=QueryStatus.CLOSED)
    DataQueryFactory(record=other, participant=other, site=site_b, raised_by=monitor)
    disputed = DataQueryFactory(record=call, participant=done, site=site_a, field_name="response",
                                check_code="RSP_DIFF", raised_by=None)
    DataQuery.objects.filter(pk=disputed.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    aware = timezone.now() - datetime.timedelta(days=2)
    sae = AdverseEventFactory(participant=late, serious=True, sae_hospitalisation=True, aware_at=aware)
    AdverseEventFactory(participant=done, serious=True, sae_hospitalisation=True, aware_at=aware,
                        sae_initial_report_at=aware + datetime.timedelta(hours=3))
    AdverseEventFactory(participant=other, serious=True, sae_hospitalisation=True, aware_at=aware)
    lock = LockFactory(scope=LockScope.TIMEPOINT, participant=done, timepoint="EOC1", reason="clean")
    LockFactory(scope=LockScope.PARTICIPANT, participant=other, reason="clean")
    return {"late": late, "done": done, "other": other, "to_answer": to_answer, "answered": answered,
            "disputed": disputed, "call": call, "sae": sae, "lock": lock}


def _lists(client) -> dict[str, list[tuple[str, str]]]:
    """work list key -> [(link text, href)] of its items, read from the page."""
    response = client.get(HOME)
    assert response.status_code == 200
    page = response.content.decode()
    out = {}
    for key, body in re.findall(r'data-testid="work-([\w-]+)" aria-labelledby.*?(.*?)</section>', page, re.S):
        out[key] = re.findall(r'data-testid="work-item">\s*<a href="([^"]+)">([^<]+)</a>', body)
        out[key] = [(html.unescape(text), _without_return(html.unescape(href))) for href, text in out[key]]
    return out


def _without_return(href: str) -> str:
    """Each item's link brings the user back home after the save (issue 17's `next`): check it, then drop it."""
    for suffix in ("?next=%2F", "&next=%2F"):
        if href.endswith(suffix):
            return href.removesuffix(suffix)
    raise AssertionError(f"{href} does not return home after a save")


def _texts(items):
    return sorted(text for text, _ in items)


def test_coordinator_sees_due_visits_forms_queries_and_sae_clocks_of_their_site(coordinator_client, trial):
    late, done = trial["late"], trial["done"]
    lists = _lists(coordinator_client)
    assert list(lists) == [
        "ready-to-enroll", "visits-due", "cycles-due", "sae-clocks", "forms-due", "queries-to-answer",
        "forms-incomplete",
    ]
    assert lists["ready-to-enroll"] == []  # every candidate of this trial is enrolled
    assert _texts(lists["visits-due"]) == sorted(f"{late.participant_id} · Cycle 1 · {v}" for v in CYCLE1_VISITS)
    cycle = late.cycles.get()
    # late's cycle 1 started 57 days ago: cycle 2's window (day 26-32 of cycle 1) has closed without a start.
    assert lists["cycles-due"] == [(f"{late.participant_id} · Start cycle 2",
                                    reverse("cycles:cycle-start", args=[late.pk]))]
    assert (f"{late.participant_id} · Cycle 1 · Day 8 (step-up)",
            reverse("cycles:visit-record", args=[cycle.pk, "D8"])) in lists["visits-due"]
    assert lists["sae-clocks"] == [(f"{late.participant_id} · Nausea", reverse("safety:ae-detail",
                                                                                  args=[trial["sae"].pk]))]
    # late's end of cycle 1 window (day 26-35) closed weeks ago with no marrow; done's is complete.
    assert lists["forms-due"] == [(f"{late.participant_id} · End of cycle 1",
                                   reverse("assessments:eoc-detail", args=[late.pk, "EOC1"]))]
    # Open (not answered) at site A: the monitor's query and the automatic one on the disputed call (oldest first).
    assert lists["queries-to-answer"] == [
        (f"{done.participant_id} · Response call: Investigator's response",
         reverse("integrity:query-detail", args=[trial["disputed"].pk])),
        (f"{late.participant_id} · Screening record: Initials",
         reverse("integrity:query-detail", args=[trial["to_answer"].pk])),
    ]
    # Cycle 1 started with its doses planned, none recorded: incomplete. done's EOC1 is complete.
    assert lists["forms-incomplete"] == [(f"{late.participant_id} · Cycle 1",
                                          reverse("cycles:cycle-detail", args=[cycle.pk]))]
    assert done.participant_id not in str(lists["visits-due"])


def test_investigator_sees_signatures_waiting_and_disputed_calls(investigator_client, trial):
    done = trial["done"]
    lists = _lists(investigator_client)
    assert list(lists) == ["signatures-waiting", "sae-clocks", "response-disagreements"]
    sign = reverse("integrity:sign", args=[done.pk])
    assert lists["signatures-waiting"] == [(f"{done.participant_id} · End of cycle 1", f"{sign}?timepoint=EOC1")]
    assert lists["response-disagreements"] == [
        (f"{done.participant_id} · Investigator's call differs from the derived response",
         reverse("assessments:call-edit", args=[trial["call"].pk]))
    ]


def test_data_manager_sees_live_queries_stale_checks_and_locks_of_their_sites(site_a, trial, client):
    manager = UserFactory(username="dm_a", role=access.DATA_MANAGER, sites=[site_a])
    lists = _lists(force_verified_login(client, manager))
    assert list(lists) == ["queries-live", "stale-checks", "active-locks"]
    # Not closed at site A: the coordinator's open query, the answered one, the disputed call's query.
    expected = {trial["to_answer"].pk, trial["answered"].pk, trial["disputed"].pk}
    assert {int(href.rstrip("/").rsplit("/", 1)[1]) for _, href in lists["queries-live"]} == expected
    assert [href for _, href in lists["stale-checks"]] == [
        reverse("integrity:query-detail", args=[trial["disputed"].pk])
    ]
    assert lists["active-locks"] == [(f"{trial['done'].participant_id} · participant timepoint EOC1",
                                      reverse("integrity:lock-unlock", args=[trial["lock"].pk]))]


def test_monitor_sees_records_not_verified_and_their_open_queries(monitor_client, trial):
    late, done = trial["late"], trial["done"]
    lists = _lists(monitor_client)
    assert list(lists) == ["sdv-waiting", "queries-raised"]
    # Nothing is verified yet: each form holding critical values, by participant, in casebook order (the
    # eligibility of both; done's end of cycle 1 marrow, its flow MRD and the call). Cycles hold none.
    marrow = done.marrows.get()
    assert lists["sdv-waiting"] == [
        (f"{late.participant_id} · Screening record", reverse("enrollment:screening-edit", args=[late.screening_id])),
        (f"{done.participant_id} · Screening record", reverse("enrollment:screening-edit", args=[done.screening_id])),
        (f"{done.participant_id} · End of cycle 1 · Bone marrow", reverse("assessments:marrow-edit", args=[marrow.pk])),
        (f"{done.participant_id} · End of cycle 1 · Flow MRD",
         reverse("assessments:flow-edit", args=[marrow.flow_mrd.get().pk])),
        (f"{done.participant_id} · End of cycle 1 · Response call",
         reverse("assessments:call-edit", args=[trial["call"].pk])),
    ]
    assert [href for _, href in lists["queries-raised"]] == [
        reverse("integrity:query-detail", args=[trial["to_answer"].pk])
    ]


def test_another_sites_items_never_appear(coordinator_b_client, trial):
    other = trial["other"]
    lists = _lists(coordinator_b_client)
    everything = [text for items in lists.values() for text, _ in items]
    assert everything and all(text.startswith(other.participant_id) for text in everything)

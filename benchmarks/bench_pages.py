"""The pages of ../shared/TARGETS.md as benchmark actions, built from the demo trial (`manage.py demo`).

`page_specs(reverse, port)` returns (label, username, action, target) for run.py. An action is a callable
taking a logged-in httpbench.Client and returning its httpbench.Response; it also knows how to run the
same request through Django's test client in-process (`django(client)`), which bench_data uses to count
SQL queries. Needs Django set up on the bench database (run.py does it first).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from httpbench import Client, Response

B1 = "B1 (one COUNT)"
COORDINATOR = "coordinator"  # site 01, writes CRFs
INVESTIGATOR = "investigator"  # sites 01 and 02, reads the endpoint dashboard
SITE = "01"


@dataclass
class Target:
    label: str
    ratio: float  # p50 / B1 p50 must be at most this


@dataclass
class Get:
    """GET one page."""

    path: str

    def __call__(self, client: Client) -> Response:
        return client.get(self.path)

    def django(self, client: Any) -> Any:
        return client.get(self.path)


@dataclass
class PostNew:
    """POST a form that creates a new record each time (fresh data and submission token per request).

    The paths are used in turn (one per participant), so that no participant piles up hundreds of records
    during a run. The first call checks through the ORM that the POST really saved: 302 and one more row.
    """

    paths: list[str]
    data: Callable[[], dict[str, str]]
    model: Any
    origin: str = ""
    verified: bool = field(default=False, repr=False)
    _turn: Iterator[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._turn = itertools.cycle(self.paths)

    def __call__(self, client: Client) -> Response:
        path = next(self._turn)
        body = {**self.data(), "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")}
        if self.verified:
            return client.post(path, body, referer=f"{self.origin}{path}")
        before = self.model.objects.count()
        resp = client.post(path, body, referer=f"{self.origin}{path}")
        after = self.model.objects.count()
        if resp.status != 302 or after != before + 1:
            raise RuntimeError(f"POST {path} did not save: HTTP {resp.status}, {before} -> {after} rows\n"
                               f"{resp.text[:2000]}")
        self.verified = True
        return resp

    def django(self, client: Any) -> Any:
        path = next(self._turn)
        resp = client.post(path, self.data())
        if resp.status_code != 302:
            raise RuntimeError(f"POST {path} (test client) did not save: HTTP {resp.status_code}")
        return resp


@dataclass(frozen=True)
class DemoObjects:
    casebook_pk: int  # a site-01 participant with 2 cycles and EOC1/EOC2 assessments
    save_pks: list[int]  # the others, alive and on study: they receive the new blood counts in turn
    form_kind: str  # the CRF whose edit form is timed
    form_record_pk: int


def _two_cycle_participants() -> list[int]:
    from django.db.models import Count, Q

    from assessments.models import FollowUpContact
    from enrollment.models import Participant

    dead = FollowUpContact.objects.live().filter(vital_status="DEAD").values("participant_id")
    qs = (
        Participant.objects.live()
        .filter(site__code=SITE)
        .exclude(status="off_study")
        .exclude(pk__in=dead)
        .annotate(
            n_cycles=Count("cycles", filter=Q(cycles__is_deleted=False), distinct=True),
            n_marrows=Count("marrows", filter=Q(marrows__is_deleted=False), distinct=True),
            n_contacts=Count("follow_up_contacts", distinct=True),
        )
        .filter(n_cycles=2, n_marrows__gte=2, n_contacts__gte=1)
        .order_by("pk")
    )
    return list(qs.values_list("pk", flat=True))


def demo_objects() -> DemoObjects:
    """Pick the demo participants and the record whose edit form is timed (ORM, bench process)."""
    from assessments.models import FollowUpContact

    pks = _two_cycle_participants()
    if len(pks) < 2:
        raise RuntimeError("the demo trial has fewer than 2 site-01 participants with 2 cycles and assessments")
    contact = FollowUpContact.objects.live().filter(participant_id=pks[0]).order_by("pk").first()
    return DemoObjects(casebook_pk=pks[0], save_pks=pks[1:], form_kind="followup", form_record_pk=contact.pk)


def new_blood_count() -> dict[str, str]:
    """A valid, unremarkable CBC dated today (after consent, not in the future), with a fresh one-time token."""
    from django.utils import timezone

    return {
        "sample_date": timezone.localdate().isoformat(),
        "anc_e9_per_l": "1.80",
        "platelets_e9_per_l": "160",
        "hb_g_per_l": "112",
        "wbc_e9_per_l": "4.10",
        "circulating_blasts": "ABSENT",
        "circulating_blasts_pct": "",
        "row_version": "",
        "submission_token": str(uuid.uuid4()),
        "save": "Save",
    }


def save_action(reverse: Callable[..., str], port: int, objects: DemoObjects | None = None) -> PostNew:
    """POST a new blood count (assessments:cbc-add) for each save participant in turn."""
    from assessments.models import BloodCount

    objects = objects or demo_objects()
    paths = [reverse("assessments:cbc-add", args=[pk]) for pk in objects.save_pks]
    return PostNew(paths, new_blood_count, BloodCount, origin=f"http://127.0.0.1:{port}")


def page_specs(reverse: Callable[..., str], port: int) -> list[tuple[str, str, Get | PostNew, Target | None]]:
    """(label, username, action, target) of B1 and every page with a target.

    The save POST comes last: each save makes the real worker recompute the endpoints, which would
    otherwise compete for the CPU with the pages timed after it.
    """
    objects = demo_objects()
    casebook = reverse("enrollment:participant-detail", args=[objects.casebook_pk])
    form = reverse(f"assessments:{objects.form_kind}-edit", args=[objects.form_record_pk])
    specs: list[tuple[str, str, Get | PostNew, Target | None]] = [
        (B1, COORDINATOR, Get(reverse("participant-count")), None),
        ("participant casebook", COORDINATOR, Get(casebook), Target("participant casebook", 4)),
        ("CRF form GET", COORDINATOR, Get(form), Target("CRF form GET", 3)),  # issue 18: 3 (TARGETS: 4)
        ("participant list", COORDINATOR, Get(reverse("enrollment:participant-list")), Target("participant list", 2)),
        ("screening log", COORDINATOR, Get(reverse("enrollment:screening-list")), Target("screening log", 2)),
        ("investigator dashboard", INVESTIGATOR, Get(reverse("endpoints:dashboard")),
         Target("investigator dashboard", 1.2)),
        ("CRF save POST", COORDINATOR, save_action(reverse, port, objects), Target("CRF save POST", 3)),
    ]
    return specs

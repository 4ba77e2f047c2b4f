"""Words, not codes: every page a role can reach, walked from its home page through the demo trial, shows no
internal code or key in its visible text, its `title` or its `aria-label`.

The walk follows every same-site link of every HTML page (a bounded number of pages per URL pattern and set of
query keys), as each role; then every URL pattern of the project must have been reached by some role, or be
listed below with the reason it is not a page to check.
"""

import html
import re
from collections import Counter, deque
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from enrollment.demo import DEMO_PASSWORD, create_demo_trial
from enrollment.models import Participant
from integrity import locking, queries
from integrity.models import LockScope, SignatureMeaning
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "investigator", "datamanager", "monitor")
PER_SHAPE = 2  # pages visited per URL pattern and set of query keys (the other participants' pages look the same)
PROJECT_APPS = ("enrollment", "cycles", "assessments", "safety", "endpoints", "integrity", "exports")

# URL patterns that are not HTML pages to check, and why.
NOT_PAGES = {
    "logout": "POST only",
    "set-language": "POST only (the menu's language switcher)",
    "health": "JSON for load balancers",
    "login": "reached signed out only",
    "two-factor-verify": "reached during sign-in only",
    "two-factor-enrol": "reached during sign-in only (or redirects when enrolled)",
    "password_change_done": "reached after a password change only",
    "plot": "SVG image",
    "snapshot-download": "zip file",
    "snapshot-status": "JSON for the progress bar",
    "participant-count": "JSON (the benchmarks' baseline)",
    "query-action": "POST only",
    "screening-fail": "POST only (the form is on the screening page)",
    "recovery-codes": "shows codes just made by a POST only",
    "api-token-revoke": "POST only (the form is on the token list)",
    "sdv-verify": "POST only (the buttons are on the record's page)",
}
# Django's admin (administrators only, its own templates) and the REST API (JSON; its docs page, a link from the
# menu, is walked like any page): tests/api/test_schemathesis.py checks every API answer against its schema.
NOT_PAGE_PREFIXES = ("admin/", "api/v1/")


def _internal_patterns() -> list[re.Pattern]:
    fields, codes = set(), set()
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            if "_" in field.name:
                fields.add(field.name)
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", value) and value != label:
                    codes.add(value)
    words = "|".join(sorted(map(re.escape, fields | codes), key=len, reverse=True))
    return [
        re.compile(r"\b[A-Z]{2,}(?:_[A-Z0-9]+)+\b"),  # NO_CBC_IN_WINDOW
        re.compile(r"\b\w+_pct\b"),
        re.compile(rf"(?<![\w.])(?:{words})(?![\w])"),  # a field name or a stored choice value
        re.compile(r"\bParticipant \d+\b(?!-)"),  # a bare row id (a participant's ID reads 01-003)
        re.compile(r"Derived by [A-Z]+"),
    ]


def visible_text(page: str) -> str:
    # <code> holds literal text a person types, such as the column names of a lab's results file: a name to
    # copy, explained in words beside it, is not a code shown instead of words.
    page = re.sub(r"<(script|style|code)\b.*?</\1>", " ", page, flags=re.S | re.I)
    attrs = re.findall(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *attrs]))


def _links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a\b[^>]*\bhref="([^"#][^"]*)"', page)]


def _shape(url: str) -> tuple:
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        return (parts.path,)
    return (name, frozenset(k for k, _ in parse_qsl(parts.query)))


def internal_codes(page: str, patterns: list[re.Pattern]) -> list[str]:
    text = visible_text(page)
    return sorted({m.group(0) for p in patterns for m in p.finditer(text)})


def walk(client: Client, starts: list[str], check=None, on_page=None) -> tuple[dict[str, list[str]], set[str]]:
    """BFS over same-site links from `starts`: {url: [offending snippets]} of the HTML pages, and the URL names.
    `check(page)` lists a page's offending snippets (by default: internal codes); `on_page(url, response)` is
    called for every HTML page reached."""
    if check is None:
        patterns = _internal_patterns()

        def check(page: str) -> list[str]:
            return internal_codes(page, patterns)

    seen, shapes, hits, names = set(starts), Counter(), {}, set()
    todo = deque(starts)
    while todo:
        url = todo.popleft()
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        names.add(resolve(urlsplit(url).path).url_name)
        if on_page is not None:
            on_page(url, response)
        page = response.content.decode()
        found = check(page)
        if found:
            hits[url] = found
        for link in _links(page):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
                continue
            if parts.path.startswith("/admin/") or parts.path == reverse("logout"):
                continue
            target = parts.path + ("?" + urlencode(sorted(parse_qsl(parts.query))) if parts.query else "")
            if target in seen:
                continue
            seen.add(target)
            shape = _shape(target)
            if shapes[shape] < PER_SHAPE:
                shapes[shape] += 1
                todo.append(target)
    return hits, names


@pytest.fixture
def demo_trial(client):
    create_demo_trial(participants=8, waiting=2, seed=2026)  # waiting: the ready-to-enroll list and forms
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ROLES)}
    participant = Participant.objects.order_by("pk").first()
    # Records of every integrity kind: a monitor's query answered, a timepoint lock, a casebook signature.
    record = participant.screening
    query = queries.raise_query(user=users["monitor"], record=record, field_name="ecog", text="Source says 2?")
    queries.answer(user=users["coordinator"], query=query, text="Corrected in the source: 1 is right.")
    other = Participant.objects.order_by("pk")[1]
    locking.lock(user=users["datamanager"], scope=LockScope.TIMEPOINT, participant=other, timepoint="EOC1",
                 reason="Cleaned")
    signer = force_verified_login(Client(), users["investigator"])
    signer.post(reverse("integrity:sign", args=[participant.pk]),
                {"timepoint": "", "meaning": SignatureMeaning.APPROVED, "password": DEMO_PASSWORD})
    from endpoints.tasks import recompute_endpoints

    recompute_endpoints()
    from django.utils import timezone

    from exports.services import request_snapshot

    request_snapshot(user=users["datamanager"], cutoff=timezone.localdate(), sites=None)
    return users, _pages_no_link_leads_to(participant, users)


def _pages_no_link_leads_to(participant, users) -> list[str]:
    """Pages of states the demo has no link to (a candidate waiting, a marrow without its results), and the
    pages opened from a script or a form rather than a link, filled from the demo's objects."""
    from django.contrib.contenttypes.models import ContentType

    from exports.models import Snapshot
    from safety.models import AdverseEvent, SaeFollowUpReport
    from tests.factories.assessments import MarrowFactory
    from tests.factories.enrollment import ScreeningFactory
    from tests.factories.safety import SaeFollowUpReportFactory

    candidate = ScreeningFactory(site=participant.site)
    marrow = MarrowFactory(participant=participant, timepoint="UNSCHEDULED", cycle_number=None)
    ae = AdverseEvent.objects.filter(participant__site=participant.site).order_by("pk").first()
    follow_up = SaeFollowUpReport.objects.filter(adverse_event__participant__site=participant.site).first()
    follow_up = follow_up or SaeFollowUpReportFactory(adverse_event__participant=participant,
                                                      adverse_event__reference="AE-SWEEP")
    screening_ct = ContentType.objects.get_for_model(participant.screening)
    urls = [
        reverse("enrollment:participant-enroll", args=[candidate.pk]),
        reverse("cycles:cycle-start", args=[participant.pk]),
        *(reverse(f"assessments:{kind}-add", args=[marrow.pk]) for kind in ("flow", "ngs", "call")),
        reverse("safety:icans-add", args=[ae.pk]),
        reverse("safety:saefollowup-edit", args=[follow_up.pk]),
        reverse("integrity:field-history", args=[screening_ct.pk, participant.screening.pk, "ecog"]),
    ]
    snapshot = Snapshot.objects.order_by("pk").first()
    return urls + ([reverse("exports:snapshot-detail", args=[snapshot.pk])] if snapshot else [])


def test_no_page_shows_an_internal_code(demo_trial):
    users, extra = demo_trial
    hits, reached = {}, set()
    for role in ROLES:
        client = force_verified_login(Client(), users[role])
        role_hits, names = walk(client, [reverse("home"), *extra])
        reached |= names
        hits.update({f"{role} {url}": found for url, found in role_hits.items()})
    assert not hits, "internal codes on pages:\n" + "\n".join(f"{k}: {v}" for k, v in sorted(hits.items()))
    from tests.foundation.test_login_required_everywhere import ROUTES

    expected = {name for route, name in ROUTES if name and not route.startswith(NOT_PAGE_PREFIXES)} - set(NOT_PAGES)
    missing = sorted(expected - reached)
    assert not missing, f"pages the walk never reached: {missing}"

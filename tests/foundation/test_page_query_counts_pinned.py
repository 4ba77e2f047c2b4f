"""The query counts of the heaviest pages, pinned (issue 18): B1, the participant list, the screening log, the
casebook, a CRF form GET and an audited CRF edit make at most these many queries, with 20 and with 2,000
participants. A change that adds a query to one of them fails here and has to say why in this table."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from assessments.models import FollowUpContact
from enrollment.models import Participant, ScreeningRecord
from tests.factories.assessments import ResponseCallFactory
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory
from tests.factories.integrity import posted_data, sample_for

pytestmark = pytest.mark.django_db

PINNED = {
    "B1 (one COUNT)": 3,  # the session, the user with its roles and sites (blinatrial.auth), the COUNT
    "participant list": 4,  # session, user, the page's rows, the open-query counts
    "screening log": 4,
    "casebook, rendered": 23,  # the versions (the content's cache key), then the sections' own loads (cycles,
    # derived assessments, safety, integrity). The sections share what more than one reads (blinatrial.request_memo):
    # the treatment rows (cycles, safety), the blood counts (assessments, safety), the derived assessments
    # (assessments, signatures' validity)
    "casebook, from the cache": 4,  # session, user, the participant (site scope), the versions
    "CRF form GET": 5,  # a follow-up contact's edit form: the record with its participant, screening and site (the
    # site's time zone), locks, open queries
    "CRF save POST": 18,  # its audited edit: the record with its participant, screening and site, row version
    # (FOR UPDATE), audit context, the checks a field affects (a row-local check reads the edited record alone),
    # the source data verifications it may clear. The locks are not read before a valid save: the database's lock
    # trigger refuses a locked write, in the lock's words, and the page is then the locked form. The form's C1D1
    # is 2 statements (first dose and first infusion in one, cycle 1's day 1)
    "new blood count POST": 11,  # the benchmark's save; dated outside every marrow window, it derives no response:
    # session, user, participant with its site, the screening's status and first consent (one statement; the
    # form's trial dates seed the checks), transaction, token look-up, INSERT, marrow dates, signatures, token
    # claimed (ON CONFLICT, no savepoint), end. The date-order check is row-local: it looks at the new record
    # alone, and no query can name a record its own transaction created
}


def _days_ago(n: int) -> datetime.date:
    return datetime.date.today() - datetime.timedelta(days=n)


def _bulk_participants(site, n: int, start: int) -> None:
    screenings = ScreeningRecord.objects.bulk_create([
        ScreeningFactory.build(
            site=site, status="enrolled", screened_on=_days_ago(100), screening_number=f"Q{start + i}"
        )
        for i in range(n)
    ])
    Participant.objects.bulk_create([
        ParticipantFactory.build(screening=s, site=site, sequence=start + i, participant_id=f"{site.code}-{start + i}")
        for i, s in enumerate(screenings)
    ])



def _requests(client, contact: FollowUpContact) -> dict:
    """label -> a callable making the page's request once."""
    edit = reverse("assessments:followup-edit", args=[contact.pk])
    methods = iter(["PHONE", "VISIT"] * 10)

    def save():
        contact.refresh_from_db()
        form = client.get(edit).context["form"]
        data = {**posted_data(form), "method": next(methods), "change_reason": "Transcription error"}
        return lambda: client.post(edit, data)

    add_cbc = reverse("assessments:cbc-add", args=[contact.participant_id])
    casebook = reverse("enrollment:participant-detail", args=[contact.participant_id])
    days = iter(range(1, 16))  # outside the window of the EOC1 marrow (about 28 days ago)

    def new_blood_count():
        form = client.get(add_cbc).context["form"]
        data = {**posted_data(form), "sample_date": _days_ago(next(days)).isoformat(), "anc_e9_per_l": "1.8",
                "platelets_e9_per_l": "160", "hb_g_per_l": "112", "wbc_e9_per_l": "4.1", "circulating_blasts": "ABSENT"}
        return lambda: client.post(add_cbc, data)

    return {
        "B1 (one COUNT)": lambda: client.get(reverse("participant-count")),
        "participant list": lambda: client.get(reverse("enrollment:participant-list")),
        "screening log": lambda: client.get(reverse("enrollment:screening-list")),
        "casebook, rendered": lambda: _uncached(client, casebook),
        "casebook, from the cache": lambda: client.get(casebook),  # right after the rendered one: nothing changed
        "CRF form GET": lambda: client.get(edit),
        "CRF save POST": save,
        "new blood count POST": new_blood_count,
    }


POSTS = ("CRF save POST", "new blood count POST")


def _uncached(client, url: str):
    cache.clear()  # the casebook's content is cached (enrollment.casebook_cache): this request renders it
    return client.get(url)


def _count(django_assert_max_num_queries, label: str, make) -> None:
    action = make() if label in POSTS else make  # the save's form is read before counting
    with django_assert_max_num_queries(PINNED[label], info=label):
        response = action()
    assert response.status_code in (200, 302), (label, response.status_code)


def test_the_heaviest_pages_make_their_pinned_query_counts_with_20_and_2000_participants(
    site_a, coordinator_client, django_assert_max_num_queries
):
    contact = sample_for(FollowUpContact).make(site_a)
    ResponseCallFactory(marrow__participant=contact.participant)  # a marrow and a call: the response check has work
    for _ in range(19):
        ParticipantFactory(screening=ScreeningFactory(site=site_a, status="enrolled", screened_on=_days_ago(100)))
    pages = _requests(coordinator_client, contact)
    for label, make in pages.items():  # warm-up: per-process caches, the idle-timer stamp
        make()() if label in POSTS else make()
    for label, make in pages.items():
        _count(django_assert_max_num_queries, label, make)

    _bulk_participants(site_a, 1980, start=20_000)
    for label, make in pages.items():
        _count(django_assert_max_num_queries, label, make)

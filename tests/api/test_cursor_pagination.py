"""Cursor pages return each row exactly once while rows are written between pages."""

import datetime

import pytest
from django.db import transaction
from pghistory.core import event_models

from assessments.models import BloodCount
from enrollment.models import Consent, Participant, ScreeningRecord
from tests.factories.assessments import BloodCountFactory
from tests.factories.enrollment import ParticipantFactory

pytestmark = pytest.mark.django_db


def _walk(api, url, params, between=None):
    """Every item of every page, following `next`; `between(page_number)` runs before each next page."""
    seen, page, number = [], api.get(url, params).json(), 0
    while True:
        seen += page["results"]
        if not page["next"]:
            return seen
        number += 1
        if between is not None:
            between(number)
        page = api.get(page["next"]).json()


def _event_key(item: dict) -> tuple:
    model, number = item["event_id"].rsplit(":", 1)
    return datetime.datetime.fromisoformat(item["at"].replace("Z", "+00:00")), model, int(number)


# A transactional test: each batch commits on its own with its own transaction time (pghistory's event time), as
# other users' writes between two page requests would; the 200 events of the first batch share one time.
@pytest.mark.django_db(transaction=True)
def test_audit_feed_pages_give_every_event_once_while_events_are_written(api_as, data_manager, site_a):
    participant = ParticipantFactory(site=site_a, screening__site=site_a)
    with transaction.atomic():
        BloodCountFactory.create_batch(200, participant=participant)
    written = []

    def write_more(number):
        if number % 3 == 0 and len(written) < 30:
            with transaction.atomic():
                written.extend(BloodCountFactory.create_batch(5, participant=participant))

    items = _walk(api_as(data_manager), "/api/v1/audit/", {"page_size": 7}, between=write_more)

    keys = [_event_key(i) for i in items]
    assert len(keys) == len(set(keys))  # none twice
    assert keys == sorted(keys)  # in feed order
    blood_events = event_models(tracks_model=BloodCount)[0].objects.values_list("pgh_id", flat=True)
    fed = sorted(k[2] for k in keys if k[1] == "assessments.bloodcount")
    assert len(written) == 30
    assert fed == sorted(blood_events) and len(fed) == 230  # every one, those written meanwhile too
    every_event = sum(
        event_models(tracks_model=m)[0].objects.count() for m in (BloodCount, Participant, ScreeningRecord, Consent)
    )
    assert len(items) == every_event


def test_record_pages_give_every_row_once(api_as, data_manager, participant):
    BloodCountFactory.create_batch(23, participant=participant)
    items = _walk(api_as(data_manager), "/api/v1/blood_counts/", {"page_size": 5})
    assert sorted(r["record_id"] for r in items) == sorted(BloodCount.objects.values_list("pk", flat=True))
    assert len(items) == 23


def test_rows_added_between_pages_come_at_the_end(api_as, data_manager, participant):
    BloodCountFactory.create_batch(10, participant=participant)
    added = []
    items = _walk(
        api_as(data_manager), "/api/v1/blood_counts/", {"page_size": 4},
        between=lambda n: added.extend(BloodCountFactory.create_batch(2, participant=participant)) if n < 3 else None,
    )
    assert sorted(r["record_id"] for r in items) == sorted(BloodCount.objects.values_list("pk", flat=True))
    assert len(items) == 14

"""Fixtures for the dashboard tests: real participants at two sites and a stored snapshot with hand numbers."""

import re

import pytest

from tests.factories.endpoints import HAND_CUTOFF, HAND_FUNNEL, hand_cohort, store_synthetic_snapshot
from tests.factories.enrollment import ParticipantFactory


@pytest.fixture
def hand_participants(site_a, site_b):
    """Three participants at site 01, one at site 02 (real rows: drill-down lists and pages resolve them)."""
    return [ParticipantFactory(screening__site=site_a) for _ in range(3)] + [ParticipantFactory(screening__site=site_b)]


@pytest.fixture
def hand_snapshot(hand_participants):
    ids = [p.participant_id for p in hand_participants]
    return store_synthetic_snapshot(hand_cohort(ids[:3], ids[3:]), HAND_CUTOFF, funnel=HAND_FUNNEL)


def page_text(response) -> str:
    """The response's visible text: tags removed, whitespace collapsed."""
    html = re.sub(r"<svg.*?</svg>", " ", response.content.decode(), flags=re.S)
    html = re.sub(r"</?(td|th|tr|li|p|div|h\d|section|table)\b[^>]*>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))

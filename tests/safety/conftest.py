"""Fixtures of the safety view tests: participants at two sites, a treated participant, the terms used."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import safety as sf
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

TODAY = datetime.date.today()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> str:
    """A datetime-local form value (UTC)."""
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


@pytest.fixture
def participant(site_a):
    """Enrolled at site A; consent signed 100 days ago, enrolled 98 days ago."""
    screening = ScreeningFactory(site=site_a, status="enrolled", screened_on=days_ago(100))
    return ParticipantFactory(screening=screening, site=site_a)


@pytest.fixture
def participant_b(site_b):
    screening = ScreeningFactory(site=site_b, status="enrolled", screened_on=days_ago(100))
    return ParticipantFactory(screening=screening, site=site_b)


@pytest.fixture
def treated(participant):
    """Cycle 1 from 60 days ago (blinatumomab for 28 days), cycle 2 from 20 days ago (infusion running)."""
    from tests.factories.cycles import CycleFactory, SegmentFactory

    c1 = CycleFactory(participant=participant, number=1, day1_on=days_ago(60))
    start = datetime.datetime.combine(c1.day1_on, datetime.time(8), tzinfo=datetime.UTC)
    SegmentFactory(cycle=c1, started_at=start, stopped_at=start + datetime.timedelta(days=28))
    c2 = CycleFactory(participant=participant, number=2, day1_on=days_ago(20))
    start2 = datetime.datetime.combine(c2.day1_on, datetime.time(8), tzinfo=datetime.UTC)
    SegmentFactory(cycle=c2, started_at=start2, stopped_at=None)
    return participant


@pytest.fixture
def terms(db):
    specs = {
        "crs": sf.CRS_TERM, "icans": sf.ICANS_TERM, "nausea": sf.NAUSEA_TERM, "sepsis": sf.SEPSIS_TERM,
        "anemia": sf.ANEMIA_TERM, "other_gi": sf.OTHER_GI_TERM,
    }
    return {name: sf.term(spec) for name, spec in specs.items()}


def ae_data(term, onset: datetime.date, **changes) -> dict:
    """POST data of a valid, non-serious, resolved grade 2 AE of `term`."""
    data = {
        "term": str(term.pk), "verbatim_term": "", "onset_date": onset.isoformat(),
        "resolution_date": (onset + datetime.timedelta(days=3)).isoformat(), "worst_grade": "2",
        "outcome": "RECOVERED", "aware_at": at(onset, 10), "treatment_given": "",
        "relationship_blinatumomab": "POSSIBLE", "relationship_vindesine": "UNLIKELY",
        "relationship_cyclophosphamide": "UNLIKELY", "relationship_dexamethasone": "NOT_RELATED",
        "relationship_venetoclax": "NOT_RELATED", "relationship_disease": "NOT_RELATED",
        "action_blinatumomab": "NONE", "action_vindesine": "NOT_APPLICABLE",
        "action_cyclophosphamide": "NOT_APPLICABLE", "action_dexamethasone": "NOT_APPLICABLE",
        "action_venetoclax": "NOT_APPLICABLE",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def crs_data(when: datetime.date, hour: int = 12, **changes) -> dict:
    data = {"assessed_at": at(when, hour), "max_temp_c": "38.9", "vasopressors_excl_vasopressin": "0",
            "o2_device": "none", "o2_flow_l_min": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


ICE_NAMES = [
    "ice_orientation_year", "ice_orientation_month", "ice_orientation_city", "ice_orientation_hospital",
    "ice_naming_object_1", "ice_naming_object_2", "ice_naming_object_3", "ice_follows_commands",
    "ice_writes_sentence", "ice_counts_back_by_10",
]


def icans_data(when: datetime.date, points: list[int], hour: int = 12, **changes) -> dict:
    data = {"assessed_at": at(when, hour), "consciousness": "alert", "seizure": "none", "icp": "none"}
    data.update({name: str(p) for name, p in zip(ICE_NAMES, points, strict=True)})
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def now():
    return timezone.now()

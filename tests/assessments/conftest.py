import datetime

import pytest

from tests.factories.enrollment import ParticipantFactory, ScreeningFactory


@pytest.fixture
def participant(site_a):
    """Enrolled at site A; consent signed 100 days ago, enrolled 98 days ago."""
    screening = ScreeningFactory(
        site=site_a, status="enrolled", screened_on=datetime.date.today() - datetime.timedelta(days=100)
    )
    return ParticipantFactory(screening=screening, site=site_a)


@pytest.fixture
def participant_b(site_b):
    screening = ScreeningFactory(
        site=site_b, status="enrolled", screened_on=datetime.date.today() - datetime.timedelta(days=100)
    )
    return ParticipantFactory(screening=screening, site=site_b)


@pytest.fixture
def days_ago():
    return lambda n: datetime.date.today() - datetime.timedelta(days=n)

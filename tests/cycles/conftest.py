import datetime

import pytest

from tests.factories.enrollment import ParticipantFactory, ScreeningFactory


@pytest.fixture
def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def participant(site_a, today):
    """Enrolled at site A; consent 60 days ago, height 170 cm, weight 70 kg (BSA 1.82 m2)."""
    screening = ScreeningFactory(site=site_a, screened_on=today - datetime.timedelta(days=60), status="enrolled")
    return ParticipantFactory(screening=screening)


@pytest.fixture
def participant_b(site_b, today):
    screening = ScreeningFactory(site=site_b, screened_on=today - datetime.timedelta(days=60), status="enrolled")
    return ParticipantFactory(screening=screening)

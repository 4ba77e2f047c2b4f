"""Fixtures of the integrity tests: the generic record views, one participant per site, a lock helper, the
response derivations an edit check ran."""

import pytest

from tests.factories.enrollment import ParticipantFactory


@pytest.fixture
def record_urls(settings):
    """Serve the generic clinical record views (tests/integrity/record_urls.py) next to the project's URLs."""
    settings.ROOT_URLCONF = "tests.integrity.record_urls"
    from django.urls import clear_url_caches

    clear_url_caches()
    yield
    clear_url_caches()


@pytest.fixture
def participant(site_a):
    return ParticipantFactory(screening__site=site_a)


@pytest.fixture
def participant_b(site_b):
    return ParticipantFactory(screening__site=site_b)


@pytest.fixture
def derivations(monkeypatch) -> list[int]:
    """The participants whose responses the response check derived (the real derivation still runs)."""
    import assessments.checks

    calls: list[int] = []
    real = assessments.checks.derive_for_participant

    def counting(participant_id, *args, **kwargs):
        calls.append(participant_id)
        return real(participant_id, *args, **kwargs)

    monkeypatch.setattr(assessments.checks, "derive_for_participant", counting)
    return calls

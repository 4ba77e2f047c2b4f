"""CONSORT funnel counts for the dashboard (screened, eligible, consented, enrolled, treated)."""

import pytest

from enrollment import services
from enrollment.consort import consort_counts
from tests.enrollment.conftest import days_ago
from tests.factories.enrollment import ConsentFactory, ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def funnel(site_a, site_b, coordinator):
    ScreeningFactory(site=site_a, criteria={"EXC_CNS3": "met"})  # ineligible, no consent
    ConsentFactory(screening=ScreeningFactory(site=site_a))  # eligible, consented, not enrolled
    treated = ParticipantFactory(screening__site=site_a)
    services.change_status(participant=treated, to_status="on_treatment", on=days_ago(3), user=coordinator)
    off_after_treatment = ParticipantFactory(screening__site=site_a)
    services.change_status(participant=off_after_treatment, to_status="on_treatment", on=days_ago(3), user=coordinator)
    services.take_off_study(participant=off_after_treatment, on=days_ago(1), reason_code="death", user=coordinator)
    never_treated = ParticipantFactory(screening__site=site_a)
    services.take_off_study(participant=never_treated, on=days_ago(1), reason_code="consent_withdrawn",
                            user=coordinator)
    ParticipantFactory(screening__site=site_b)
    return {"treated": treated, "site_a": site_a, "site_b": site_b}


def test_consort_counts_the_funnel_when_sites_are_given(funnel, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        counts = consort_counts(site_ids=[funnel["site_a"].pk])
    assert counts == {"screened": 5, "eligible": 4, "consented": 4, "enrolled": 3, "treated": 2}


def test_consort_counts_every_site_when_no_sites_are_given(funnel):
    counts = consort_counts()
    assert counts == {"screened": 6, "eligible": 5, "consented": 5, "enrolled": 4, "treated": 2}


def test_consort_uses_the_callers_treated_ids_when_given(funnel):
    counts = consort_counts(treated_ids=[funnel["treated"].pk])
    assert counts["treated"] == 1

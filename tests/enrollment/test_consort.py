"""The top of the CONSORT funnel per site (screened, eligible, consented); enrolled and treated are counted
from the endpoint results (tests/endpoints/test_load_cohort.py)."""

import pytest

from enrollment import services
from enrollment.consort import screening_funnel_by_site
from enrollment.models import ScreeningRecord
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


def test_the_screening_funnel_is_counted_per_site_in_two_queries(funnel, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        counts = screening_funnel_by_site()
    assert counts == {
        "01": {"screened": 5, "eligible": 4, "consented": 4},
        "02": {"screened": 1, "eligible": 1, "consented": 1},
    }


def test_a_removed_screening_record_leaves_the_funnel(funnel):
    ScreeningRecord.objects.filter(site=funnel["site_b"]).update(is_deleted=True, deleted_reason="duplicate")
    assert "02" not in screening_funnel_by_site()

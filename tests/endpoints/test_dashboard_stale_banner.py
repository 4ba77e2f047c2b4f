"""A stored result behind the data version is shown with a "stale — recomputing" banner and its time."""

from django.urls import reverse

from integrity.models import DataVersion
from tests.dates import read_utc
from tests.endpoints.conftest import page_text
from tests.factories.endpoints import HAND_CUTOFF, HAND_FUNNEL, hand_cohort, store_synthetic_snapshot

URL = reverse("endpoints:dashboard") + f"?cutoff={HAND_CUTOFF.isoformat()}"


def _store(participants, data_version: int):
    ids = [p.participant_id for p in participants]
    DataVersion.objects.filter(pk=1).update(version=10)
    cohort = hand_cohort(ids[:3], ids[3:])
    return store_synthetic_snapshot(cohort, HAND_CUTOFF, funnel=HAND_FUNNEL, data_version=data_version)


def test_stale_banner_shown_when_data_version_is_behind(data_manager_client, hand_participants):
    snapshot = _store(hand_participants, data_version=9)
    text = page_text(data_manager_client.get(URL))
    assert "Stale — recomputing." in text
    assert f"computed at {read_utc(snapshot.computed_at)} from data version 9" in text
    assert "now at version 10" in text
    assert "2/4 = 50.0 %" in text  # the last stored numbers stay visible meanwhile


def test_no_stale_banner_when_result_is_current(data_manager_client, hand_participants):
    _store(hand_participants, data_version=10)
    assert "Stale" not in page_text(data_manager_client.get(URL))

"""Choosing a data cut-off with no stored snapshot schedules the task and shows "computing"."""

import datetime

from django.urls import reverse

from endpoints import services
from tests.endpoints.conftest import page_text
from tests.factories.endpoints import HAND_CUTOFF


def test_computing_shown_and_task_scheduled_when_no_snapshot_for_cutoff(
    data_manager_client, hand_snapshot, monkeypatch
):
    scheduled = []
    monkeypatch.setattr(services, "schedule_recompute", scheduled.append)
    response = data_manager_client.get(reverse("endpoints:dashboard") + "?cutoff=2026-01-31")
    text = page_text(response)
    assert "Computing the endpoints for cut-off 31 Jan 2026" in text
    assert scheduled == [datetime.date(2026, 1, 31)]
    assert "30 Jun 2026" in text  # stored cut-offs offered in the selector (HAND_CUTOFF)


def test_nothing_scheduled_when_snapshot_stored(data_manager_client, hand_snapshot, monkeypatch):
    scheduled = []
    monkeypatch.setattr(services, "schedule_recompute", scheduled.append)
    data_manager_client.get(reverse("endpoints:dashboard") + f"?cutoff={HAND_CUTOFF.isoformat()}")
    assert scheduled == []


def test_future_or_malformed_cutoff_falls_back_to_today_when_given(data_manager_client, monkeypatch):
    scheduled = []
    monkeypatch.setattr(services, "schedule_recompute", scheduled.append)
    for bad in ("2999-01-01", "yesterday"):
        response = data_manager_client.get(reverse("endpoints:dashboard") + f"?cutoff={bad}")
        assert "The data cut-off must be a date" in page_text(response)
    assert set(scheduled) == {datetime.date.today()}


def test_eager_mode_computes_the_missing_cutoff_when_no_broker(hand_participants, settings):
    # development without a broker: the "task" runs inline, so the snapshot exists afterwards
    from endpoints.models import EndpointSnapshot

    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert services.schedule_recompute(datetime.date(2026, 2, 1)) is True
    assert EndpointSnapshot.objects.filter(cutoff=datetime.date(2026, 2, 1)).exists()

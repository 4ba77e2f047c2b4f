"""Plots are drawn by a second task after the numbers are stored, once per snapshot; requests only read."""

from django.urls import reverse

from endpoints import tasks
from endpoints.models import DashboardPanel
from endpoints.tasks import recompute_endpoints, render_endpoint_plots
from tests.factories.endpoints import HAND_CUTOFF, HAND_FUNNEL, hand_cohort, store_synthetic_snapshot


def _snapshot(participants):
    ids = [p.participant_id for p in participants]
    return store_synthetic_snapshot(hand_cohort(ids[:3], ids[3:]), HAND_CUTOFF, funnel=HAND_FUNNEL, draw_plots=False)


def _plot_url(name="os"):
    return reverse("endpoints:plot", args=[HAND_CUTOFF.isoformat(), "ALL", name])


def test_placeholder_served_when_worker_has_not_drawn_yet(data_manager_client, hand_participants, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _snapshot(hand_participants)
    response = data_manager_client.get(_plot_url())
    assert b"Plot being drawn" in response.content and response["Cache-Control"] == "no-store"
    assert not DashboardPanel.objects.exclude(plots={}).exists()  # the request drew nothing


def test_task_draws_every_panel_once_when_run_twice(data_manager_client, hand_participants, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    snapshot = _snapshot(hand_participants)
    assert render_endpoint_plots(HAND_CUTOFF.isoformat(), snapshot.data_version) == 3 * 2  # ALL, 01, 02, in 2 languages
    assert render_endpoint_plots(HAND_CUTOFF.isoformat(), snapshot.data_version) == 0
    site_panel = DashboardPanel.objects.get(scope="02", language="en-gb")
    assert "Overall survival (n = 1, events = 0)" in site_panel.plots["os"]  # site 02 drawn from its own data
    assert data_manager_client.get(_plot_url("swimmer")).content.decode().startswith("<svg")


def test_task_draws_nothing_when_snapshot_moved_to_newer_data(hand_participants):
    snapshot = _snapshot(hand_participants)
    assert render_endpoint_plots(HAND_CUTOFF.isoformat(), snapshot.data_version - 1) == 0


def test_recompute_queues_the_plots_after_a_delay_when_it_stores_a_new_result(hand_participants, settings,
                                                                               monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.ENDPOINT_PLOT_DELAY_SECONDS = 2.5
    queued = []
    monkeypatch.setattr(
        tasks.render_endpoint_plots, "apply_async", lambda args, countdown: queued.append((args, countdown))
    )
    recompute_endpoints("2026-05-31")
    assert len(queued) == 1 and queued[0][0][0] == "2026-05-31" and queued[0][1] == 2.5
    recompute_endpoints("2026-05-31")  # already current: nothing new to draw
    assert len(queued) == 1


def test_plot_drawn_on_first_request_when_no_broker(data_manager_client, hand_participants, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # development without a worker: drawn once, then stored
    _snapshot(hand_participants)
    assert data_manager_client.get(_plot_url()).content.decode().startswith("<svg")
    assert "os" in DashboardPanel.objects.get(scope="ALL", language="en-gb").plots

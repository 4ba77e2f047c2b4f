"""The snapshot form shows its default cut-off (today) in the date field, and with tasks run inline the page
after the request shows the finished snapshot and its download, not a progress bar."""

import datetime

import pytest
from django.urls import reverse

from exports.models import Snapshot

pytestmark = pytest.mark.django_db


def test_the_cutoff_date_input_carries_today_in_iso_form(data_manager_client):
    page = data_manager_client.get(reverse("exports:snapshot-create")).content.decode()
    today = datetime.date.today().isoformat()
    assert f'<input type="date" name="cutoff" value="{today}"' in page


def test_with_tasks_run_inline_the_page_after_the_request_shows_the_download_and_no_progress_bar(
    trial, data_manager_client, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True):  # the request's commit runs the build inline
        posted = data_manager_client.post(reverse("exports:snapshot-create"), {"cutoff": "2026-06-30"})
    snapshot = Snapshot.objects.get()
    response = data_manager_client.get(posted["Location"])
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="snapshot-finished"' in page and "Finished at" in page
    download = reverse("exports:snapshot-download", args=[snapshot.pk])
    assert f'class="btn btn-primary mt-3" data-role="download"\n       href="{download}"' in page
    assert 'role="progressbar"' not in page
    assert "progress-bar-animated" not in page


def test_a_snapshot_still_building_shows_the_progress_bar_and_hides_the_download(
    trial, data_manager_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = data_manager_client.post(reverse("exports:snapshot-create"), {"cutoff": "2026-06-30"},
                                            follow=True)
    page = response.content.decode()
    assert 'role="progressbar"' in page and "progress-bar-animated" in page
    assert "btn btn-primary mt-3 d-none" in page

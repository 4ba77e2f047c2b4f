"""The snapshot pages in Simplified Chinese, as the data manager (all sites) and the monitor (site 01) see them: the
list (empty, then with snapshots done, failed, running and queued), the request form (empty, and refused with a
cut-off after today), the detail page (each state, with downloads) and the progress JSON the detail page polls.

While the other areas are not translated yet, the base template's menu and footer may still show English: only the
`<main>` element's content is checked here (the menu and the footer are set aside, nothing else). The same pages in
English still read as before.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from exports import services
from exports.models import Snapshot, SnapshotDownload, SnapshotStatus
from tests.exports.conftest import build
from tests.factories.exports import SnapshotFactory
from tests.i18n import chinese_client, english_left
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db


def main_of(response) -> str:
    assert response.status_code in (200, 400), response.status_code
    page = response.content.decode("utf-8")
    match = re.search(r"<main\b.*?</main>", page, flags=re.S)
    assert match, "the page has a <main> element"
    return match.group(0)


@pytest.fixture
def snapshots(trial, data_manager, monitor):
    """A built snapshot of site 01 (downloaded), a failed one, one running and one queued."""
    done = build(monitor)
    SnapshotDownload.objects.create(snapshot=done, user=monitor)
    failed = SnapshotFactory(created_by=data_manager, sites=["01"], status=SnapshotStatus.FAILED)
    Snapshot.objects.filter(pk=failed.pk).update(
        finished_at=timezone.now(),
        progress_label="Failed",
        error="PermissionDenied: dm may not export the sites of this snapshot.",
    )
    running = SnapshotFactory(created_by=None, sites=["01"], status=SnapshotStatus.RUNNING)
    Snapshot.objects.filter(pk=running.pk).update(
        started_at=timezone.now(), progress=40, progress_label="Writing participants.csv"
    )
    queued = SnapshotFactory(created_by=data_manager, sites=None)
    stalled = SnapshotFactory(created_by=data_manager, sites=["01"], status=SnapshotStatus.FAILED)
    Snapshot.objects.filter(pk=stalled.pk).update(
        error="The build stopped before finishing (time limit or lost worker); make a new snapshot."
    )
    return {"done": done, "failed": failed, "running": running, "queued": queued, "stalled": stalled}


def pages(snapshots, user) -> list[str]:
    urls = [reverse("exports:snapshot-list"), reverse("exports:snapshot-create")]
    visible = services.visible_snapshots(user)
    urls += [reverse("exports:snapshot-detail", args=[s.pk]) for s in snapshots.values() if visible.filter(pk=s.pk)]
    return urls


@pytest.mark.parametrize("role", ["data_manager", "monitor"])
def test_every_snapshot_page_is_in_chinese(snapshots, role, request):
    user = request.getfixturevalue(role)
    client = chinese_client(user)
    for url in pages(snapshots, user):
        main = main_of(client.get(url))
        assert english_left(main) == [], url
        assert "快照" in main, url


def test_the_detail_pages_show_the_stored_texts_in_chinese(snapshots, data_manager):
    client = chinese_client(data_manager)
    running = main_of(client.get(reverse("exports:snapshot-detail", args=[snapshots["running"].pk])))
    assert "正在写入文件：participants.csv" in running and "进行中" in running and "命令行" in running
    failed = main_of(client.get(reverse("exports:snapshot-detail", args=[snapshots["failed"].pk])))
    assert "dm无权导出此快照所含的中心。" in failed and "失败" in failed
    stalled = main_of(client.get(reverse("exports:snapshot-detail", args=[snapshots["stalled"].pk])))
    assert "请重新创建快照" in stalled
    done = main_of(client.get(reverse("exports:snapshot-detail", args=[snapshots["done"].pk])))
    assert "下载压缩包" in done and "mon_a" in done and "完成于" in done
    # stored in English, whatever the language of the pages
    assert Snapshot.objects.get(pk=snapshots["running"].pk).progress_label == "Writing participants.csv"


def test_the_polled_progress_is_in_chinese(snapshots, data_manager):
    client = chinese_client(data_manager)
    status = client.get(reverse("exports:snapshot-status", args=[snapshots["running"].pk])).json()
    assert (status["status"], status["status_label"], status["label"]) == (
        "running",
        "进行中",
        "正在写入文件：participants.csv",
    )
    failed = client.get(reverse("exports:snapshot-status", args=[snapshots["failed"].pk])).json()
    assert (failed["status"], failed["error"]) == ("failed", "dm无权导出此快照所含的中心。")


def test_the_request_form_and_its_errors_are_in_chinese(trial, data_manager, monitor):
    client = chinese_client(data_manager)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    refused = main_of(client.post(reverse("exports:snapshot-create"), {"cutoff": tomorrow}))
    assert english_left(refused) == []
    assert "数据截止日期不能晚于今天。" in refused
    refused = main_of(
        chinese_client(monitor).post(reverse("exports:snapshot-create"), {"cutoff": tomorrow, "sites": ["02"]})
    )
    assert english_left(refused) == []
    response = client.post(reverse("exports:snapshot-create"), {"cutoff": datetime.date.today().isoformat()})
    assert response.status_code == 302
    followed = main_of(client.get(response["Location"]))
    assert english_left(followed) == []
    assert re.search(r"已提交快照\d+的创建请求。", followed)


def test_the_same_pages_in_english_read_as_before(snapshots, data_manager):
    from django.test import Client

    client = force_verified_login(Client(), data_manager)
    listing = main_of(client.get(reverse("exports:snapshot-list")))
    for text in (
        "CSV snapshots",
        "New snapshot",
        "Created (UTC)",
        "Data cut-off",
        "Done",
        "Failed",
        "Running",
        "Queued",
        "command line",
        "All sites",
        "never changed after they are built",
    ):
        assert text in listing, text
    form = main_of(client.get(reverse("exports:snapshot-create")))
    for text in ("New CSV snapshot", "Leave all unticked to export every site.", "Create snapshot"):
        assert text in form, text
    running = main_of(client.get(reverse("exports:snapshot-detail", args=[snapshots["running"].pk])))
    assert "Writing participants.csv" in running and "Snapshot progress" in running
    failed = main_of(client.get(reverse("exports:snapshot-detail", args=[snapshots["failed"].pk])))
    assert "PermissionDenied: dm may not export the sites of this snapshot." in failed
    done = main_of(client.get(reverse("exports:snapshot-detail", args=[snapshots["done"].pk])))
    assert "Download zip" in done and "Finished at " in done and "SHA-256 of the zip" in done
    status = client.get(reverse("exports:snapshot-status", args=[snapshots["running"].pk])).json()
    assert (status["status_label"], status["label"]) == ("Running", "Writing participants.csv")

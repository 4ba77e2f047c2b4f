"""A snapshot's content does not depend on the language of the user who asked for it: the same data requested by
the same data manager, once with the interface in Simplified Chinese and once in English, give the same files byte
for byte. The build runs in the requesting user's language when the task runs inline (no broker), as here; the
writing switches to English itself (exports.services.write_contents).

What may differ, and nothing else: the snapshot's ID and the zip's name (snapshot-000001-… / snapshot-000002-…,
not inside the zip), the zip's SHA-256 and its entries' modification times (zip metadata, not file content), and in
manifest.json the "created_at" time of the request. The Chinese in the snapshot is the same in both: the data
dictionary's label_zh columns, written whatever the language of the request.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from enrollment.models import StaffProfile
from exports.models import Snapshot, SnapshotStatus
from tests.exports.conftest import open_zip
from tests.i18n import chinese_client
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db

CUTOFF = "2026-06-30"
DIFFERING_MANIFEST_KEYS = {"created_at"}


def request_and_build(client, language: str, django_capture_on_commit_callbacks) -> Snapshot:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("exports:snapshot-create"), {"cutoff": CUTOFF})
    assert response.status_code == 302
    with translation.override(language):  # as an inline build inside the user's request runs
        for callback in queued:
            callback()
    snapshot = Snapshot.objects.latest("id")
    assert snapshot.status == SnapshotStatus.DONE, snapshot.error
    return snapshot


def contents(snapshot: Snapshot) -> dict[str, bytes]:
    archive = open_zip(snapshot)
    return {name: archive.read(name) for name in archive.namelist()}


def test_a_snapshot_asked_in_chinese_is_the_one_asked_in_english(
    trial, data_manager, django_capture_on_commit_callbacks
):
    # Both sessions open before either build: a sign-in is a security event, and the two snapshots hold the same ones.
    english_client = force_verified_login(Client(), data_manager)
    chinese = request_and_build(chinese_client(data_manager), "zh-hans", django_capture_on_commit_callbacks)
    StaffProfile.objects.filter(user=data_manager).update(language="en-gb")
    assert "CSV snapshots" in english_client.get(reverse("exports:snapshot-list")).content.decode()
    english = request_and_build(english_client, "en-gb", django_capture_on_commit_callbacks)
    assert chinese.pk != english.pk

    zh_files, en_files = contents(chinese), contents(english)
    assert list(zh_files) == list(en_files)
    zh_manifest = json.loads(zh_files.pop("manifest.json"))
    en_manifest = json.loads(en_files.pop("manifest.json"))
    assert {k for k in zh_manifest if zh_manifest[k] != en_manifest[k]} <= DIFFERING_MANIFEST_KEYS
    assert {k: v for k, v in zh_manifest.items() if k not in DIFFERING_MANIFEST_KEYS} == {
        k: v for k, v in en_manifest.items() if k not in DIFFERING_MANIFEST_KEYS
    }
    different = sorted(name for name in zh_files if zh_files[name] != en_files[name])
    assert different == [], f"files that depend on the requesting user's language: {different}"

    # English throughout: the headers, the labels, the codes' words, the manifest's conventions
    dictionary = zh_files["data_dictionary.csv"].decode("utf-8")
    assert dictionary.startswith("file,column,label,label_zh,type,")
    assert "What the column holds" in dictionary
    assert "\nparticipants.csv,participant_id,Participant ID," in dictionary
    assert zh_manifest["conventions"]["languages"].startswith("every file is written in English")
    assert "F,Female," in zh_files["data_dictionary_codes.csv"].decode("utf-8")


def test_the_build_itself_ignores_the_active_language(trial, data_manager):
    """Even a build started with Chinese active (a command or a worker with LANGUAGE_CODE zh-hans) writes English."""
    from tests.exports.conftest import build

    with translation.override("zh-hans"):
        chinese = build(data_manager, sites=None)
    english = build(data_manager, sites=None)
    zh_files, en_files = contents(chinese), contents(english)
    zh_files.pop("manifest.json"), en_files.pop("manifest.json")
    assert zh_files == en_files
    assert zh_files["data_dictionary.csv"].decode("utf-8").startswith("file,column,label,label_zh")

"""A snapshot carries the security event log (security_events.csv), counted in the manifest and described in the
data dictionary; a snapshot of some sites holds the events of those sites' accounts only."""

import csv
import io
import json

import pytest

from integrity.models import SecurityEventKind
from integrity.security_log import record_security_event
from tests.exports.conftest import build, open_zip

pytestmark = pytest.mark.django_db


def rows(archive, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))


def test_the_snapshot_holds_the_security_events(trial, data_manager, coordinator, coordinator_b, admin_user):
    record_security_event(SecurityEventKind.LOGIN, user=coordinator, ip_address="10.0.0.7", detail="password")
    record_security_event(SecurityEventKind.TWO_FACTOR_RESET, user=coordinator_b, actor=admin_user, detail="=lost")
    record_security_event(SecurityEventKind.LOGIN_FAILED, username="mallory")

    archive = open_zip(build(data_manager))
    events = rows(archive, "security_events.csv")
    login = next(e for e in events if e["event"] == "login" and e["username"] == coordinator.username)
    assert login["ip_address"] == "10.0.0.7" and login["occurred_at"].endswith("Z") and login["site"] == "01"
    reset = next(e for e in events if e["event"] == "2fa_reset")
    assert (reset["username"], reset["by"], reset["detail"]) == (coordinator_b.username, admin_user.username, "'=lost")
    assert any(e["username"] == "mallory" for e in events)

    manifest = json.loads(archive.read("manifest.json"))
    entry = next(f for f in manifest["files"] if f["name"] == "security_events.csv")
    assert entry["rows"] == len(events)
    dictionary = rows(archive, "data_dictionary.csv")
    assert [d["column"] for d in dictionary if d["file"] == "security_events.csv"] == list(events[0])


def test_a_snapshot_of_one_site_holds_that_sites_accounts_only(trial, data_manager, coordinator, coordinator_b):
    record_security_event(SecurityEventKind.LOGIN, user=coordinator, detail="near")
    record_security_event(SecurityEventKind.LOGIN, user=coordinator_b, detail="far")
    record_security_event(SecurityEventKind.LOGIN_FAILED, username="mallory")

    events = rows(open_zip(build(data_manager, sites=["01"])), "security_events.csv")
    assert {e["detail"] for e in events if e["event"] == "login"} == {"near"}
    assert {e["site"] for e in events} == {"01"}
    assert not any(e["username"] == "mallory" for e in events)

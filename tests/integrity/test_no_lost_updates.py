"""Acceptance 6: two people save the same record at the same moment: the second is refused with a conflict
message (what changed), the database holds the first save only. 50 rounds, released together by a barrier."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from enrollment.forms import ScreeningForm
from enrollment.models import ScreeningRecord
from tests.factories.enrollment import ParticipantFactory
from tests.login import force_verified_login

ROUNDS = 50


def _post_data(form) -> dict:
    """What the browser posts for an unchanged form (the initial values, as rendered)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = "" if value is None else value
    return data


def _save(client: Client, url: str, data: dict, barrier: threading.Barrier, results: dict, name: str) -> None:
    barrier.wait()  # both posts leave together
    try:
        results[name] = client.post(url, data)
    finally:
        connection.close()


def _client(user) -> Client:
    client = Client()
    force_verified_login(client, user)
    return client


@pytest.mark.django_db(transaction=True)
def test_the_second_of_two_simultaneous_saves_gets_a_conflict_and_nothing_is_lost_when_repeated(
    site_a, coordinator, data_manager
):
    screening = ParticipantFactory(screening__site=site_a).screening
    url = reverse("enrollment:screening-edit", args=[screening.pk])
    clients = {"A": _client(coordinator), "B": _client(data_manager)}
    lost = 0
    for round_number in range(ROUNDS):
        screening.refresh_from_db()
        start_version = screening.row_version
        assert clients["A"].get(url).status_code == 200 and clients["B"].get(url).status_code == 200
        base = _post_data(ScreeningForm(instance=screening, user=coordinator))
        entries = {"A": chr(65 + round_number % 26) + "A", "B": chr(65 + round_number % 26) + "B"}
        barrier = threading.Barrier(2)
        results: dict[str, object] = {}
        threads = [
            threading.Thread(
                target=_save,
                args=(clients[name], url, {**base, "initials": entries[name], "change_reason": "Transcription error"},
                      barrier, results, name),
            )
            for name in ("A", "B")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        statuses = sorted((results[n].status_code, n) for n in ("A", "B"))
        assert [s for s, _ in statuses] == [302, 409], statuses
        winner, loser = statuses[0][1], statuses[1][1]
        conflict = results[loser].content.decode()
        assert 'data-testid="edit-conflict"' in conflict and entries[winner] in conflict
        saved = ScreeningRecord.objects.get(pk=screening.pk)
        assert saved.row_version == start_version + 1
        lost += saved.initials != entries[winner]
    assert lost == 0

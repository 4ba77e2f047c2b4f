"""Per-participant endpoint page: how each value was reached; another site's participant is a 404."""

from django.urls import reverse

from tests.endpoints.conftest import page_text
from tests.factories.endpoints import HAND_CUTOFF


def _url(participant) -> str:
    return reverse("endpoints:participant", args=[participant.pk]) + f"?cutoff={HAND_CUTOFF.isoformat()}"


def test_participant_page_404_when_participant_at_another_site(investigator_client, hand_snapshot, hand_participants):
    assert investigator_client.get(_url(hand_participants[3])).status_code == 404


def test_participant_page_forbidden_when_coordinator(coordinator_client, hand_snapshot, hand_participants):
    assert coordinator_client.get(_url(hand_participants[0])).status_code == 403


def test_participant_page_shows_os_efs_rows_and_primary_status_when_own_site(
    investigator_client, hand_snapshot, hand_participants
):
    text = page_text(investigator_client.get(_url(hand_participants[1])))  # B: CR MRD-neg, died day 100
    assert "OS 1 Jan 2025 10 Apr 2025 100 3.29 event DEATH" in text  # dates as people read them (issue 17)
    assert "responder" in text and "CR and flow MRD NEG → responder" in text
    assert "Rules applied" in text


def test_participant_page_shows_ne_reason_when_not_evaluable(data_manager_client, hand_snapshot, hand_participants):
    text = page_text(data_manager_client.get(_url(hand_participants[3])))
    assert "not evaluable (counted as non-responder) — HEMODILUTED" in text


def test_participant_page_shows_marrow_inputs_and_rule_when_data_recorded(investigator_client, site_a):
    from endpoints.tasks import recompute_endpoints
    from tests.factories.endpoints import treated_with_mrd_negative_cr

    p, cycle = treated_with_mrd_negative_cr(site_a)
    recompute_endpoints()
    text = page_text(investigator_client.get(reverse("endpoints:participant", args=[p.pk])))
    assert "Marrow blasts (%) 1.0" in text
    assert "ANC 2.0, platelets 180.0, circulating blasts absent" in text
    assert "quantified (detected) 0.02 %, LOD 0.005 % → class NEG" in text
    assert "Derived response CR" in text and "CR and flow MRD NEG → responder" in text
    assert f"OS {cycle.day1_on.day} {cycle.day1_on:%b %Y}" in text

"""Source data verification: a monitor marks a whole form or one critical field as verified; an edit after
verification clears what it made stale (the audit trail shows the verification and its clearing); the
progress page counts verified / total critical fields per site and participant."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from assessments.models import BloodCount, BoneMarrowAssessment
from integrity.audit import changes
from integrity.models import SourceVerification
from tests.factories.assessments import BloodCountFactory, MarrowFactory
from tests.factories.integrity import form_data

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def marrow(participant):
    return MarrowFactory(participant=participant, timepoint="UNSCHEDULED", cycle_number=None,
                         sample_date=TODAY - datetime.timedelta(days=9), blasts_pct=2)


def _verify(client, record, field_name=""):
    ct = ContentType.objects.get_for_model(type(record))
    data = {"field_name": field_name, "next": "/integrity/sdv/"} if field_name else {"next": "/integrity/sdv/"}
    return client.post(reverse("integrity:sdv-verify", args=[ct.pk, record.pk]), data)


def _edit(client, record, kind, **changes):
    data = {**form_data(record), **changes, "row_version": record.row_version, "change_reason": "Transcription error"}
    response = client.post(reverse(f"assessments:{kind}-edit", args=[record.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()


def _active(record):
    ct = ContentType.objects.get_for_model(type(record))
    return set(SourceVerification.objects.filter(content_type=ct, object_id=record.pk, cleared_at__isnull=True)
               .values_list("field_name", flat=True))


def test_monitor_marks_form_and_field_and_a_coordinator_edit_clears_them(
    monitor, monitor_client, coordinator_client, data_manager, marrow
):
    assert _verify(monitor_client, marrow).status_code == 302
    assert _verify(monitor_client, marrow, "blasts_pct").status_code == 302
    assert _active(marrow) == {"", "blasts_pct"}
    mark = SourceVerification.objects.get(field_name="blasts_pct")
    assert (mark.verified_by, mark.row_version, mark.value, mark.participant) == (
        monitor, marrow.row_version, "2.00", marrow.participant  # as stored: 2 decimal places
    )

    _edit(coordinator_client, marrow, "marrow", cellularity="HYPO")  # not the verified field
    assert _active(marrow) == {"blasts_pct"}  # the whole form changed; the field did not

    _edit(coordinator_client, marrow, "marrow", blasts_pct="3")
    assert _active(marrow) == set()
    assert SourceVerification.objects.count() == 2  # cleared, never deleted

    trail = [c for c in changes(user=data_manager, model_keys=["integrity.sourceverification"])
             if c.field == "cleared_at" or (c.field == "verified_by" and c.action == "insert")]
    reasons = sorted(c.reason for c in trail)
    assert reasons == ["Edited after source data verification"] * 2 + ["Source data verified"] * 2


def test_a_verification_can_be_made_again_after_clearing(monitor_client, coordinator_client, marrow):
    _verify(monitor_client, marrow, "blasts_pct")
    _edit(coordinator_client, marrow, "marrow", blasts_pct="4")
    assert _verify(monitor_client, marrow, "blasts_pct").status_code == 302
    assert _active(marrow) == {"blasts_pct"}
    assert SourceVerification.objects.get(cleared_at__isnull=True).value == "4.00"


def test_only_monitors_verify_and_only_critical_fields(coordinator_client, data_manager_client, monitor_client,
                                                       marrow):
    assert _verify(coordinator_client, marrow).status_code == 403
    assert _verify(data_manager_client, marrow).status_code == 403
    assert _verify(monitor_client, marrow, "cellularity").status_code == 404
    assert not SourceVerification.objects.exists()


def test_another_sites_record_is_not_found_when_verifying(monitor_client, participant_b):
    other_marrow = MarrowFactory(participant=participant_b, timepoint="UNSCHEDULED", cycle_number=None,
                                 sample_date=TODAY - datetime.timedelta(days=9))
    assert _verify(monitor_client, other_marrow).status_code == 404
    assert not SourceVerification.objects.exists()


def _filled(record, names) -> int:
    return sum(getattr(record, n) not in (None, "") for n in names)


def test_progress_counts_verified_over_critical_fields(monitor_client, participant, participant_b, marrow):
    cbc = BloodCountFactory(participant=participant, sample_date=TODAY - datetime.timedelta(days=9))
    BloodCountFactory(participant=participant_b, sample_date=TODAY - datetime.timedelta(days=9))
    screening = participant.screening
    # independent count: the fields the protocol names as critical that hold a value, record by record
    screening_n = _filled(screening, ("ph_result", "ecog", "cns_status", "bilirubin_x_uln", "alt_x_uln",
                                      "creatinine_x_uln")) + (1 if screening.criteria else 0)
    total_a = screening_n + 3 + 4  # marrow: date, adequacy, blasts; CBC: date, ANC, platelets, blasts present
    _verify(monitor_client, marrow)  # 3 fields
    _verify(monitor_client, cbc, "anc_e9_per_l")  # 1 field
    assert BloodCount.objects.count() == 2 and BoneMarrowAssessment.objects.count() == 1

    page = monitor_client.get(reverse("integrity:sdv-progress"))

    assert page.status_code == 200
    rows = {r["participant_id"]: r for r in page.context["participant_rows"]}
    assert set(rows) == {participant.participant_id}  # site B is not the monitor's
    assert (rows[participant.participant_id]["verified"], rows[participant.participant_id]["total"]) == (4, total_a)
    assert rows[participant.participant_id]["percent"] == round(400 / total_a)
    (site,) = page.context["site_rows"]
    assert (site["code"], site["verified"], site["total"]) == ("01", 4, total_a)
    assert f"{round(400 / total_a)} %" in page.content.decode()


@pytest.mark.parametrize("participants", [1, 6])
def test_progress_page_runs_a_fixed_number_of_queries(participants, site_a, monitor_client, participant,
                                                      django_assert_max_num_queries):
    from tests.factories.enrollment import ParticipantFactory

    for _ in range(participants):
        other = ParticipantFactory(screening__site=site_a)
        MarrowFactory(participant=other, timepoint="UNSCHEDULED", cycle_number=None,
                      sample_date=TODAY - datetime.timedelta(days=9))
        BloodCountFactory(participant=other, sample_date=TODAY - datetime.timedelta(days=9))

    # one query per form with critical fields (7), the marks, their content types, the sites; the rest is the
    # request's own (session, user, roles, site assignments, menu): the same bound for 1 and 6 participants
    with django_assert_max_num_queries(20):
        assert monitor_client.get(reverse("integrity:sdv-progress")).status_code == 200

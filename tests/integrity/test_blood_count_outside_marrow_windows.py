"""A blood count dated outside every marrow's -7/+3-day window is no marrow's nearest count, so saving it runs no
response derivation (issue 18: the save path); one inside a window, or one moved out of a window, still does,
and the investigator's-call check still raises its query when the move changes the derived response."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import BloodCount
from assessments.rules import near_any_marrow
from integrity.models import DataQuery, QueryStatus
from tests.factories.assessments import BloodCountFactory, ResponseCallFactory
from tests.factories.integrity import posted_data

MARROW = datetime.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (datetime.date(2026, 3, 3), True),  # 7 days before: the window's first day
        (datetime.date(2026, 3, 2), False),  # 8 days before
        (datetime.date(2026, 3, 10), True),  # the marrow's day
        (datetime.date(2026, 3, 13), True),  # 3 days after: the window's last day
        (datetime.date(2026, 3, 14), False),  # 4 days after
    ],
)
def test_the_window_is_seven_days_before_to_three_after(day, inside):
    assert near_any_marrow(day, [MARROW]) is inside


def test_any_marrow_of_several_counts_and_none_is_no_window():
    assert near_any_marrow(datetime.date(2026, 6, 1), [MARROW, datetime.date(2026, 6, 3)]) is True
    assert near_any_marrow(datetime.date(2026, 6, 1), []) is False


@pytest.fixture
def call(participant):
    """An EOC1 marrow (enrolment + 30 days) with the investigator's call CR."""
    return ResponseCallFactory(marrow__participant=participant)


def _add_blood_count(client, participant, sample_date: datetime.date) -> None:
    url = reverse("assessments:cbc-add", args=[participant.pk])
    data = {**posted_data(client.get(url).context["form"]), "sample_date": sample_date.isoformat(),
            "anc_e9_per_l": "2.0", "platelets_e9_per_l": "180", "hb_g_per_l": "110", "wbc_e9_per_l": "4.5",
            "circulating_blasts": "ABSENT"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors


@pytest.mark.django_db
def test_a_new_blood_count_four_days_after_the_marrow_derives_no_response(
    coordinator_client, participant, call, derivations
):
    _add_blood_count(coordinator_client, participant, call.marrow.sample_date + datetime.timedelta(days=4))

    assert BloodCount.objects.filter(participant=participant).count() == 1
    assert derivations == []


@pytest.mark.django_db
def test_a_new_blood_count_three_days_after_the_marrow_derives_the_response(
    coordinator_client, participant, call, derivations
):
    _add_blood_count(coordinator_client, participant, call.marrow.sample_date + datetime.timedelta(days=3))

    assert derivations == [participant.pk]


@pytest.mark.django_db
def test_an_edit_outside_every_window_derives_no_response(coordinator_client, participant, call, derivations):
    far = BloodCountFactory(participant=participant, sample_date=call.marrow.sample_date + datetime.timedelta(days=20))
    url = reverse("assessments:cbc-edit", args=[far.pk])
    data = {**posted_data(coordinator_client.get(url).context["form"]), "anc_e9_per_l": "0.40",
            "change_reason": "Transcription error"}

    assert coordinator_client.post(url, data).status_code == 302
    far.refresh_from_db()
    assert str(far.anc_e9_per_l) == "0.40"
    assert derivations == []


@pytest.mark.django_db
def test_moving_the_only_count_out_of_the_window_derives_again_and_raises_the_query(
    coordinator_client, participant, call, derivations
):
    """CR needs a blood count near the marrow. Moved 20 days away, the marrow has none: the derived response is
    no longer CR, so the investigator's CR now differs and the check raises its query."""
    near = BloodCountFactory(participant=participant, sample_date=call.marrow.sample_date)
    url = reverse("assessments:cbc-edit", args=[near.pk])
    data = {**posted_data(coordinator_client.get(url).context["form"]),
            "sample_date": (call.marrow.sample_date + datetime.timedelta(days=20)).isoformat(),
            "change_reason": "Transcription error"}

    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors

    assert derivations == [participant.pk]
    query = DataQuery.objects.get(check_code="RSP_DIFF")
    assert query.status == QueryStatus.OPEN
    assert query.object_id == call.pk

"""A save runs only the edit checks that a changed field can affect (issue 18): an edit of a follow-up
contact's contact method derives no response; an edit of a blood count's ANC does."""


import pytest
from django.urls import reverse

from assessments.models import BloodCount, FollowUpContact
from integrity import edit_checks
from integrity.edit_checks import register, unregister
from tests.factories.integrity import posted_data, sample_for


def _edit(client, url: str, **changes) -> None:
    form = client.get(url).context["form"]
    data = {**posted_data(form), **changes, "change_reason": "Transcription error"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response


def _with_a_call(record) -> None:
    """Give the participant a marrow with an investigator's call, so the response check has a record to check."""
    from tests.factories.assessments import ResponseCallFactory

    ResponseCallFactory(marrow__participant=record.participant)


def test_a_follow_up_edit_that_changes_no_derivation_input_derives_no_response(
    site_a, data_manager_client, derivations
):
    contact = sample_for(FollowUpContact).make(site_a)
    _with_a_call(contact)
    method = "PHONE" if contact.method != "PHONE" else "VISIT"

    _edit(data_manager_client, reverse("assessments:followup-edit", args=[contact.pk]), method=method)

    contact.refresh_from_db()
    assert contact.method == method
    assert derivations == []


def test_a_blood_count_edit_of_the_anc_derives_the_response_again(site_a, data_manager_client, derivations):
    cbc = sample_for(BloodCount).make(site_a)
    _with_a_call(cbc)

    _edit(data_manager_client, reverse("assessments:cbc-edit", args=[cbc.pk]), anc_e9_per_l="0.40")

    cbc.refresh_from_db()
    assert str(cbc.anc_e9_per_l) == "0.40"
    assert derivations == [cbc.participant_id]


def test_a_blood_count_edit_of_the_haemoglobin_derives_no_response(site_a, data_manager_client, derivations):
    cbc = sample_for(BloodCount).make(site_a)
    _with_a_call(cbc)

    _edit(data_manager_client, reverse("assessments:cbc-edit", args=[cbc.pk]), hb_g_per_l="95")

    cbc.refresh_from_db()
    assert cbc.hb_g_per_l == 95
    assert derivations == []


@pytest.fixture
def field_check():
    ran: list[str] = []

    @register(
        "TEST_ANC_ONLY",
        model="enrollment.Participant",
        field="weight_kg",
        reads=("assessments.BloodCount.anc_e9_per_l",),
        inputs=("weight_kg",),
    )
    def anc_only(record, cache):
        ran.append("ran")

    yield edit_checks.REGISTRY["TEST_ANC_ONLY"]
    unregister("TEST_ANC_ONLY")


@pytest.mark.parametrize(
    ("label", "changed", "affected"),
    [
        ("assessments.BloodCount", frozenset({"anc_e9_per_l"}), True),
        ("assessments.BloodCount", frozenset({"hb_g_per_l", "wbc_e9_per_l"}), False),
        ("assessments.BloodCount", None, True),  # a new record
        ("assessments.BloodCount", frozenset({"is_deleted", "deleted_reason"}), True),  # removed
        ("assessments.BoneMarrowAssessment", None, False),
        ("enrollment.Participant", frozenset({"weight_kg"}), True),
        ("enrollment.Participant", frozenset({"height_cm"}), False),
        ("enrollment.Participant", None, True),
    ],
)
def test_a_check_is_affected_only_by_the_fields_it_reads(field_check, label, changed, affected):
    assert field_check.affected_by(label, changed) is affected


def test_a_check_reading_a_whole_model_is_affected_by_any_of_its_fields():
    check = edit_checks.EditCheck(
        code="X", model="enrollment.Participant", field="weight_kg", problem=lambda r, c: None,
        reads=("assessments.BloodCount", "assessments.BloodCount.anc_e9_per_l"),
    )
    assert check.affected_by("assessments.BloodCount", frozenset({"hb_g_per_l"})) is True

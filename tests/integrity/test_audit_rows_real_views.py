"""Acceptance 1 through the apps' own edit views: an edit with a reason writes exactly one audit event with
the user and reason and the changed field; an edit without a reason is refused and writes nothing."""


import pytest
from django.apps import apps
from django.urls import reverse

from integrity.audit import changes, event_model_for
from integrity.queries import FORM_URLS
from tests.factories.integrity import posted_data, sample_for

# The edit forms (the participant page is not a form: its fields are edited through enrollment's services).
EDIT_ROUTES = {label: name for label, name in FORM_URLS.items() if label != "enrollment.Participant"}



def _events(obj) -> list:
    return list(event_model_for(type(obj)).objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id"))


@pytest.fixture(params=sorted(EDIT_ROUTES))
def record(request, site_a):
    model = apps.get_model(request.param)
    sample = sample_for(model)
    if sample is None:
        pytest.fail(f"no factory for {request.param}")
    obj = sample.make(site_a)
    return obj, sample, reverse(EDIT_ROUTES[request.param], args=[obj.pk])


def test_an_edit_through_the_apps_view_writes_one_audit_event_with_user_and_reason_when_a_reason_is_given(
    record, data_manager, data_manager_client
):
    obj, sample, url = record
    form = data_manager_client.get(url).context["form"]
    assert sample.edit_field in form.fields, f"{sample.edit_field} is not on the form at {url}"
    before = len(_events(obj))
    new_value = sample.edit_value(getattr(obj, sample.edit_field))
    data = {**posted_data(form), sample.edit_field: str(new_value), "change_reason": "Transcription error"}

    response = data_manager_client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    events = _events(obj)
    assert len(events) == before + 1
    assert (events[-1].pgh_context.metadata.get("user"), events[-1].pgh_context.metadata.get("reason")) == (
        data_manager.pk, "Transcription error"
    )
    edited = [c for c in changes(user=data_manager, record=obj) if c.event_id == events[-1].pgh_id]
    assert sample.edit_field in {c.field for c in edited}


def test_an_edit_through_the_apps_view_is_refused_and_writes_nothing_when_no_reason_is_given(
    record, data_manager_client
):
    obj, sample, url = record
    form = data_manager_client.get(url).context["form"]
    before = len(_events(obj))
    data = {**posted_data(form), sample.edit_field: str(sample.edit_value(getattr(obj, sample.edit_field)))}

    response = data_manager_client.post(url, data)

    assert response.status_code == 400
    assert "change_reason" in response.context["form"].errors
    assert len(_events(obj)) == before

"""Acceptance 1: every clinical model's create, edit (with reason) and removal write exactly the expected
audit rows (user, UTC time, old and new value, reason); an edit without a reason writes nothing.

The models are discovered (every concrete ClinicalRecord subclass), so a new clinical model is tested
as soon as it exists; it needs a factory in tests/factories/<app>.py (or a sample in
tests/factories/integrity.py), else its test fails and says so.
"""

import datetime
import json

import pytest
from django.db import connection, models
from django.urls import reverse

from integrity.audit import changes, clinical_models, event_model_for
from tests.factories.integrity import form_data, sample_for
from tests.integrity.record_urls import PRESETS

MODELS = clinical_models()


def _label(model) -> str:
    return model._meta.label


def _events(model, pk) -> list:
    return list(event_model_for(model).objects.filter(pgh_obj_id=pk).order_by("pgh_id"))


def _create(model, site, client) -> object:
    sample = sample_for(model)
    if sample is None:
        where = f"tests/factories/{model._meta.app_label}.py"
        pytest.fail(f"No factory for {_label(model)}: add {model.__name__}Factory to {where}")
    presets, data = sample.new_data(site)
    PRESETS[_label(model)] = presets
    last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(reverse("test-record-create", args=[_label(model)]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return model._base_manager.get(pk__gt=last) if last else model._base_manager.get()


def server_now() -> datetime.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


def _who_why(event) -> dict:
    metadata = event.pgh_context.metadata
    return {"user": metadata.get("user"), "reason": metadata.get("reason")}


def _as_value(model, field: str, text: str):
    """The value a shown audit cell stands for (empty: None or blank; booleans as true/false)."""
    if text == "":
        return None
    model_field = model._meta.get_field(field)
    if isinstance(model_field, models.BooleanField):
        return {"true": True, "false": False}[text]
    if isinstance(model_field, models.JSONField):
        return json.loads(text)
    return model_field.to_python(text)


def _blank_as_none(value):
    return None if value == "" else value


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_create_writes_one_insert_event_with_user_utc_time_and_values_when_posted_through_the_view(
    model, record_urls, site_a, data_manager, data_manager_client
):
    obj = _create(model, site_a, data_manager_client)

    events = _events(model, obj.pk)
    assert [e.pgh_label for e in events] == ["insert"]
    assert _who_why(events[0]) == {"user": data_manager.pk, "reason": "Initial entry"}
    assert events[0].pgh_created_at == server_now()  # the database server's clock (the test's transaction)
    assert events[0].pgh_created_at.utcoffset() == datetime.timedelta(0)
    rows = changes(user=data_manager, record=obj)
    assert rows, "an insert shows the entered values"
    assert {(r.action, r.old, r.username, r.reason) for r in rows} == {("insert", "", "dm", "Initial entry")}
    for row in rows:
        expected = getattr(obj, model._meta.get_field(row.field).attname)
        assert _as_value(model, row.field, row.new) == expected or str(expected) == row.new


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_edit_writes_one_update_event_with_old_new_value_and_reason_when_a_reason_is_given(
    model, record_urls, site_a, data_manager, data_manager_client
):
    sample = sample_for(model)
    obj = _create(model, site_a, data_manager_client)
    old_value = getattr(obj, sample.edit_field)
    new_value = sample.edit_value(old_value)
    data = {**form_data(obj), sample.edit_field: str(new_value), "row_version": obj.row_version,
            "change_reason": "Transcription error"}

    response = data_manager_client.post(reverse("test-record-edit", args=[_label(model), obj.pk]), data)

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    events = _events(model, obj.pk)
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert _who_why(events[1]) == {"user": data_manager.pk, "reason": "Transcription error"}
    assert events[1].pgh_created_at == server_now()
    edits = [r for r in changes(user=data_manager, record=obj) if r.action == "update"]
    assert [(r.field, r.username, r.reason) for r in edits] == [(sample.edit_field, "dm", "Transcription error")]
    assert _as_value(model, sample.edit_field, edits[0].old) == _blank_as_none(old_value)
    assert _as_value(model, sample.edit_field, edits[0].new) == _blank_as_none(new_value)


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_edit_is_refused_and_writes_nothing_when_no_reason_is_given(
    model, record_urls, site_a, data_manager, data_manager_client
):
    sample = sample_for(model)
    obj = _create(model, site_a, data_manager_client)
    old_value = getattr(obj, sample.edit_field)
    data = {**form_data(obj), sample.edit_field: str(sample.edit_value(old_value)), "row_version": obj.row_version}

    response = data_manager_client.post(reverse("test-record-edit", args=[_label(model), obj.pk]), data)

    assert response.status_code == 400
    assert "change_reason" in response.context["form"].errors
    assert [e.pgh_label for e in _events(model, obj.pk)] == ["insert"]
    obj.refresh_from_db()
    assert getattr(obj, sample.edit_field) == old_value


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_removal_is_a_soft_delete_audited_with_its_reason_when_posted_through_the_view(
    model, record_urls, site_a, data_manager, data_manager_client
):
    obj = _create(model, site_a, data_manager_client)

    response = data_manager_client.post(
        reverse("test-record-remove", args=[_label(model), obj.pk]), {"reason": "Entered twice"}
    )

    assert response.status_code == 200
    assert model._base_manager.filter(pk=obj.pk, is_deleted=True).exists()
    events = _events(model, obj.pk)
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert _who_why(events[1]) == {"user": data_manager.pk, "reason": "Removed: Entered twice"}
    rows = changes(user=data_manager, record=obj)
    removed = {(r.field, r.old, r.new, r.reason) for r in rows if r.action == "update"}
    assert removed == {
        ("is_deleted", "false", "true", "Removed: Entered twice"),
        ("deleted_reason", "", "Entered twice", "Removed: Entered twice"),
    }

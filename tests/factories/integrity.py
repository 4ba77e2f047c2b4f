"""Factories of the integrity tests, and sample records of every clinical model.

`sample_for(model)` gives, for any concrete ClinicalRecord model, how to make a saved record, the form
data of a new one, and one field edit. Enrollment models are described here; a model of another app is
picked up automatically through its factory (`tests/factories/<app>.py`, class `<ModelName>Factory`).
"""

import datetime
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone

from enrollment import models as em
from integrity.models import DataQuery, Lock, LockScope
from tests.factories.enrollment import ConsentFactory, ParticipantFactory, ScreeningFactory, UserFactory

FORM_SKIP = {"is_deleted", "deleted_at", "deleted_reason", "created_by", "updated_by", "row_version", "id"}


def form_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def posted_data(form) -> dict:
    """What a browser posts for a rendered form left as it is (unticked boxes and empty fields not sent)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, datetime.date):
            value = value.isoformat()
        if value is None or value is False:
            continue
        data[name] = value
    return data


def form_data(record: models.Model) -> dict[str, str]:
    """POST data of a ModelForm holding `record`'s current values (editable fields only)."""
    fields = [f.name for f in type(record)._meta.concrete_fields if f.editable and f.name not in FORM_SKIP]
    data = {k: form_value(v) for k, v in model_to_dict(record, fields=fields).items()}
    return {k: v for k, v in data.items() if not (v == "" and isinstance(getattr(record, k, None), bool))}


@dataclass
class Sample:
    make: Callable[[object], models.Model]  # site -> a saved record
    new_data: Callable[[object], tuple[dict, dict]]  # site -> (presets of non-editable fields, POST data)
    edit_field: str
    edit_value: Callable[[object], object]  # current value -> new value


def _screening_new(site):
    data = form_data(ScreeningFactory.build(site=site))
    return {"screening_number": "T99999"}, {**data, "initials": "CD"}


def _consent_new(site):
    screening = ScreeningFactory(site=site)
    data = form_data(ConsentFactory.build(screening=screening))
    return {}, data


def _participant_new(site):
    screening = ScreeningFactory(site=site, status=em.ScreeningStatus.ENROLLED)
    p = ParticipantFactory.build(screening=screening, site=site, consent=None)
    return {"participant_id": f"{site.code}-990", "sequence": 990}, form_data(p)


def _status_change(site, save=True):
    p = ParticipantFactory(screening__site=site)
    obj = em.StatusChange(
        participant=p, from_status="enrolled", to_status="on_treatment", changed_on=p.enrolled_on, reason="C1D1"
    )
    if save:
        obj.save()
    return obj


def _cycle(site):
    from tests.factories.cycles import CycleFactory

    return CycleFactory(participant=ParticipantFactory(screening__site=site))


def _administration(site, save=True):
    from cycles.models import Administration, AdministrationStatus, Route

    cycle = _cycle(site)
    obj = Administration(
        cycle=cycle, drug_code="VDS", cycle_day=1, planned_on=cycle.day1_on, protocol_dose=Decimal("3"),
        protocol_dose_unit="mg/m2", planned_dose_mg=Decimal("5"), route=Route.choices[0][0],
        status=AdministrationStatus.GIVEN, given_on=cycle.day1_on, actual_dose_mg=Decimal("5"),
    )
    if save:
        obj.save()
    return obj


def _visit(site, save=True):
    from cycles.models import VisitRecord

    cycle = _cycle(site)
    obj = VisitRecord(cycle=cycle, visit_code="D8", visited_on=cycle.day1_on + datetime.timedelta(days=7))
    if save:
        obj.save()
    return obj


def _unsaved(make):
    def new_data(site):
        obj = make(site, save=False)
        return presets_of(obj), form_data(obj)

    return new_data


def _in_the_past(model_factory, date_field: str, days: int):
    """The app's factory, with its date a few days after enrollment (its default may lie in the future)."""

    def make(site):
        participant = ParticipantFactory(screening__site=site)
        dated = {date_field: participant.enrolled_on + datetime.timedelta(days)}
        return model_factory(participant=participant, **dated)

    return make


def _past_sample(app_factory: str, date_field: str, edit_field: str, edit_value: Callable) -> Sample:
    module, name = app_factory.rsplit(".", 1)

    def model_factory(**kwargs):
        return getattr(importlib.import_module(module), name)(**kwargs)

    def new_data(site):
        obj = getattr(importlib.import_module(module), name).build(
            participant=ParticipantFactory(screening__site=site)
        )
        setattr(obj, date_field, obj.participant.enrolled_on + datetime.timedelta(days=20))
        return presets_of(obj), form_data(obj)

    return Sample(make=_in_the_past(model_factory, date_field, 20), new_data=new_data, edit_field=edit_field,
                  edit_value=edit_value)


SAMPLES: dict[str, Sample] = {
    "assessments.FollowUpContact": _past_sample(
        "tests.factories.assessments.FollowUpContactFactory", "contact_date", "contact_date",
        lambda v: v + datetime.timedelta(days=1),
    ),
    "cycles.Transplant": _past_sample(
        "tests.factories.cycles.TransplantFactory", "transplanted_on", "conditioning_regimen",
        lambda v: v + " (ATG)",
    ),
    "cycles.Administration": Sample(
        make=_administration, new_data=_unsaved(_administration), edit_field="reason",
        edit_value=lambda v: "Dose held for neutropenia",
    ),
    "cycles.VisitRecord": Sample(
        make=_visit, new_data=_unsaved(_visit), edit_field="missed_reason", edit_value=lambda v: "Patient unwell",
    ),
    "enrollment.ScreeningRecord": Sample(
        make=lambda site: ScreeningFactory(site=site),
        new_data=_screening_new,
        edit_field="initials",
        edit_value=lambda v: "XY",
    ),
    "enrollment.Consent": Sample(
        make=lambda site: ConsentFactory(screening__site=site),
        new_data=_consent_new,
        edit_field="obtained_by",
        edit_value=lambda v: "Dr Other",
    ),
    "enrollment.Participant": Sample(
        make=lambda site: ParticipantFactory(screening__site=site),
        new_data=_participant_new,
        edit_field="weight_kg",
        edit_value=lambda v: Decimal(v) + Decimal("2.5"),
    ),
    "enrollment.StatusChange": Sample(
        make=_status_change,
        new_data=lambda site: ({}, form_data(_status_change(site, save=False))),
        edit_field="reason",
        edit_value=lambda v: "C1D1 given",
    ),
}


def _factory_of(model: type[models.Model]):
    """The factory of `model` in tests/factories/<app>.py, whatever its name."""
    try:
        module = importlib.import_module(f"tests.factories.{model._meta.app_label}")
    except ImportError:
        return None
    found = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, factory.django.DjangoModelFactory)
        and getattr(obj._meta, "model", None) is model
    ]
    preferred = [f for f in found if f.__name__ == f"{model.__name__}Factory"]
    return (preferred or found or [None])[0]


def _generic_edit(model: type[models.Model]) -> tuple[str, Callable]:
    """A field to edit and how: free text first, then a coded field, then a number."""
    fields = [f for f in model._meta.concrete_fields if f.editable and f.name not in FORM_SKIP and not f.is_relation]
    for f in fields:
        extra_validators = [x for x in f.validators if not isinstance(x, MaxLengthValidator)]
        if isinstance(f, models.CharField | models.TextField) and not f.choices and not extra_validators:
            limit = f.max_length or 1000
            return f.name, lambda v, limit=limit: ((v or "")[: limit - 1] + "x")
    for f in fields:
        if f.choices:
            codes = [c for c, _ in f.flatchoices if c not in ("", None)]
            return f.name, lambda v, codes=codes: next(c for c in codes if c != v)
    for f in fields:
        if isinstance(f, models.IntegerField | models.DecimalField | models.FloatField):
            return f.name, lambda v: (v or 0) + 1
    raise LookupError(f"no editable field on {model._meta.label}")


def _save_parents(obj: models.Model) -> None:
    """Save the unsaved parents a factory's build() left on `obj` (and theirs), so that it can be posted."""
    for f in obj._meta.concrete_fields:
        if not f.many_to_one and not f.one_to_one:
            continue
        related = getattr(obj, f.name, None)
        if related is not None and related.pk is None:
            _save_parents(related)
            related.save()
            setattr(obj, f.name, related)


def presets_of(obj: models.Model) -> dict:
    """Values of the non-editable fields of a new record (numbers that the app's services assign)."""
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.editable and not f.primary_key and f.name not in FORM_SKIP | {"created_at", "updated_at"}
    }


def _generic_new(model_factory) -> tuple[dict, dict]:
    obj = model_factory.build()
    _save_parents(obj)
    return presets_of(obj), form_data(obj)


def sample_for(model: type[models.Model]) -> Sample | None:
    if model._meta.label in SAMPLES:
        return SAMPLES[model._meta.label]
    model_factory = _factory_of(model)
    if model_factory is None:
        return None
    field, change = _generic_edit(model)
    return Sample(
        make=lambda site: model_factory(),
        new_data=lambda site: _generic_new(model_factory),
        edit_field=field,
        edit_value=change,
    )


class DataQueryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataQuery

    class Params:
        record = factory.SubFactory(ParticipantFactory)

    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.record))
    object_id = factory.LazyAttribute(lambda o: o.record.pk)
    participant = factory.LazyAttribute(lambda o: o.record if isinstance(o.record, em.Participant) else None)
    site = factory.LazyAttribute(lambda o: o.record.site)
    field_name = "weight_kg"
    raised_by = factory.SubFactory(UserFactory)
    text = "Please check the weight against the source."


class LockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lock

    scope = LockScope.STUDY
    locked_by = factory.SubFactory(UserFactory)
    locked_at = factory.LazyFunction(timezone.now)

"""The names of models and fields as pages show them, in the reader's language.

A field's name is its model's verbose name where the model gives one, else the label its entry form gives it (the
apps label most clinical fields on their forms), else Django's name made from the field's name. Names are shown
with a capital first letter and otherwise as written ("ANC (x10^9/L)", not "Anc (x10^9/l)").
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.text import capfirst

_form_labels: dict[tuple[str, str], object] = {}
_forms_seen: set[type] = set()


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def _label_on_a_form(model: type[models.Model], name: str) -> object | None:
    """The label the first entry form of `model` that labels `name` gives it (forms imported so far)."""
    for form in _subclasses(forms.ModelForm):
        if form in _forms_seen:
            continue
        _forms_seen.add(form)
        form_model = getattr(getattr(form, "Meta", None), "model", None)
        if form_model is None:
            continue
        for field_name, field in form.base_fields.items():
            if field.label is not None:
                _form_labels.setdefault((form_model._meta.label, field_name), field.label)
    return _form_labels.get((model._meta.label, name))


def field_label(model: type[models.Model], name: str) -> str:
    """The name of `model`'s field `name` as a page shows it."""
    field = model._meta.get_field(name)
    named = str(field.verbose_name)
    if named == field.name.replace("_", " "):  # Django's name from the field's name: the form may say better
        label = _label_on_a_form(model, name)
        if label is not None:
            named = str(label)
    return capfirst(named)


def model_label(model: type[models.Model]) -> str:
    """The name of a kind of record as a page shows it."""
    return capfirst(str(model._meta.verbose_name))


def record_title(record: models.Model) -> str:
    """A record as a page's title names it, in the reader's language: the model's `shown_title()` where its
    `__str__` holds English words ("CR at 01-003 marrow EOC1 …"), else `str(record)` (IDs, codes and dates)."""
    shown = getattr(record, "shown_title", None)
    return str(shown()) if callable(shown) else str(record)

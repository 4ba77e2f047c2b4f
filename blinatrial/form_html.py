"""Form templates written by hand where the template engine was the measured cost (issue 18: a CRF form renders a
dozen small templates per field, about half of the page's time).

- `WidgetRenderer`, the project's FORM_RENDERER: for the templates of the input widgets (text, number, date,
  hidden, checkbox, ...), the select and the textarea it writes exactly what Django's own templates write
  (django/forms/templates/django/forms/widgets/*.html: the same characters, escaping and localisation). Any other
  template (radio buttons, forms, fields, error lists) is rendered by Django's template renderer as before.
- `FieldTemplates`, the first template engine: it serves crispy-forms' field template of the bootstrap5 pack
  (crispy_bootstrap5's bootstrap5/field.html). For a label, an input, a select or a textarea, and a checkbox,
  with the pack's defaults (no horizontal form, label or field classes, table cell), it writes the same elements,
  attributes, classes and texts as that template; any other field is rendered by that template itself.

tests/foundation/test_form_html_matches_the_templates.py compares both with the templates they stand for, for
every field of every form of the app: the widgets character for character, the fields as HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.template import TemplateDoesNotExist, engines
from django.template.backends.base import BaseEngine
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe

# What {{ value }} does in a template with the defaults of a Context: local time, localised, escaped unless safe.
_CONTEXT = SimpleNamespace(use_l10n=None, use_tz=None, autoescape=True)
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _shown(value: Any) -> str:
    """{{ value }}."""
    return render_value_in_context(value, _CONTEXT)


def _as_string(value: Any) -> str:
    """{{ value|stringformat:'s' }}: str(value), escaped unless the value was safe (the filter is is_safe)."""
    text = str(value)  # what "%s" gives (a tuple: the filter formats str(tuple))
    return text if isinstance(value, SafeData) else escape(text)


def attrs_html(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_as_string(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html (and the templates that only include it)."""
    value = f' value="{_as_string(widget["value"])}"' if widget["value"] is not None else ""
    kind, name = _shown(widget["type"]), _shown(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{attrs_html(widget["attrs"])}>'


def _option_html(option: dict[str, Any]) -> str:
    """django/forms/widgets/select_option.html (with its closing newline)."""
    return (f'<option value="{_as_string(option["value"])}"{attrs_html(option["attrs"])}>'
            f'{_shown(option["label"])}</option>\n')


def select_html(widget: dict[str, Any]) -> str | None:
    """django/forms/widgets/select.html; None when an option has a template of its own."""
    parts = [f'<select name="{_shown(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append("\n  " + _option_html(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def textarea_html(widget: dict[str, Any]) -> str:
    """django/forms/widgets/textarea.html."""
    value = _shown(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_shown(widget["name"])}"{attrs_html(widget["attrs"])}>\n{value}</textarea>'


_INPUTS = ("text", "number", "email", "url", "password", "hidden", "date", "time", "datetime", "checkbox", "input")
WRITERS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **{f"django/forms/widgets/{name}.html": input_html for name in _INPUTS},
    "django/forms/widgets/select.html": select_html,
    "django/forms/widgets/textarea.html": textarea_html,
}


class WidgetRenderer(DjangoTemplates):
    """Django's template form renderer, with the templates of WRITERS written in Python."""

    def render(self, template_name: str, context: dict[str, Any], request=None) -> str:
        write = WRITERS.get(template_name)
        html = write(context["widget"]) if write is not None and "widget" in context else None
        return html.strip() if html is not None else super().render(template_name, context, request=request)


# --- crispy-forms' bootstrap5/field.html ---------------------------------------------------------------------

FIELD_TEMPLATE = "bootstrap5/field.html"
CRISPY_ENGINE = "django"  # the engine that holds crispy_bootstrap5's own template (TEMPLATES' DjangoTemplates)


def _crispy_field(field: forms.BoundField, *classes: str) -> str:
    """{% crispy_field field 'class' '...' %}: the widget's class name and `classes` added to its class, then
    the field rendered (crispy keeps the classes on the widget, as here)."""
    widget = field.field.widget
    class_name = widget.__class__.__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for name in classes:
        if name not in css_class.split():
            css_class += f" {name}"
    widget.attrs["class"] = css_class
    return _shown(field)


def _help_and_errors(field: forms.BoundField, context: dict[str, Any]) -> str:
    """bootstrap5/layout/help_text_and_errors.html with inline errors (the pack's default; _written_here)."""
    help_inline = context.get("help_text_inline")
    parts = []
    if help_inline and field.help_text:
        parts.append(f'<span id="{_shown(field.auto_id)}_helptext" class="form-text">{field.help_text}</span>')
    if context.get("form_show_errors") and field.errors:
        errors = "".join(f'<span id="error_{n}_{_shown(field.auto_id)}"><strong>{_shown(error)}</strong></span>'
                         for n, error in enumerate(field.errors, start=1))
        parts.append(f'<div id="{_shown(getattr(field.errors, "field_id", ""))}_error" class="invalid-feedback">'
                     f"{errors}</div>")
    if not help_inline and field.help_text:
        the_id = f'id="{_shown(field.auto_id)}_helptext" ' if field.auto_id else ""
        parts.append(f'<div {the_id}class="form-text">{field.help_text}</div>')
    return "".join(parts)


def _required(field: forms.BoundField) -> tuple[str, str]:
    """The label's class suffix and asterisk of a required field."""
    return (" requiredField", '<span class="asteriskField">*</span>') if field.field.required else ("", "")


def _written_here(field: forms.BoundField, context: dict[str, Any]) -> bool:
    """Whether field_html writes this field (the pack's defaults, a widget it knows); otherwise the template."""
    widget = field.field.widget
    return (
        not (context.get("label_class") or context.get("field_class") or context.get("tag"))
        and "form-horizontal" not in (context.get("form_class") or "")
        and bool(context.get("error_text_inline"))
        and not hasattr(widget, "widgets") and not hasattr(widget, "widget")
        and not field.use_fieldset
        and isinstance(widget, forms.widgets.Input | forms.Select | forms.Textarea | forms.CheckboxInput)
        and not isinstance(widget, forms.FileInput | forms.RadioSelect | forms.SelectMultiple)
    )


def field_html(field: forms.BoundField, context: dict[str, Any]) -> str | None:
    """bootstrap5/field.html for one field; None when the template itself must render it (_written_here)."""
    if field.is_hidden:
        return _shown(field)
    if not _written_here(field, context):
        return None
    wrapper = context.get("wrapper_class") or ""
    css = field.css_classes()
    extra = (f" {_shown(wrapper)}" if wrapper else "") + (f" {_shown(css)}" if css else "")
    required_class, asterisk = _required(field)
    invalid = ("is-invalid",) if field.errors else ()
    if isinstance(field.field.widget, forms.CheckboxInput):
        if not context.get("form_show_labels"):
            return None
        return (
            f'<div class="mb-3"><div id="div_{_shown(field.auto_id)}" class="form-check{extra}">'
            f'{_crispy_field(field, "form-check-input", *invalid)}'
            f'<label for="{_shown(field.id_for_label)}" class="form-check-label{required_class}">'
            f"{_shown(field.label)}{asterisk}</label>{_help_and_errors(field, context)}</div></div>"
        )
    label = ""
    if field.label and context.get("form_show_labels"):
        label_for = f'for="{_shown(field.id_for_label)}" ' if field.id_for_label else ""
        label = f'<label {label_for}class="form-label{required_class}">{_shown(field.label)}{asterisk}</label>'
    kind = "form-select" if isinstance(field.field.widget, forms.Select) else "form-control"
    return (f'<div id="div_{_shown(field.auto_id)}" class="mb-3{extra}">{label}'
            f"{_crispy_field(field, kind, *invalid)}{_help_and_errors(field, context)}</div>")


class FieldTemplate:
    """bootstrap5/field.html as a template object (crispy-forms calls render(context) with a dict)."""

    def __init__(self, backend: BaseEngine) -> None:
        self.backend = backend
        self.origin = None

    def render(self, context: dict[str, Any] | None = None, request=None) -> SafeString:
        context = context or {}
        field = context.get("field")
        html = field_html(field, context) if isinstance(field, forms.BoundField) else None
        if html is None:
            return engines[CRISPY_ENGINE].get_template(FIELD_TEMPLATE).render(context, request)
        # every value in it is escaped (_shown, _as_string, attrs_html) or was already safe (a rendered widget)
        return mark_safe(html)  # noqa: S308  # nosec B308 B703


class FieldTemplates(BaseEngine):
    """A template engine with one template, FIELD_TEMPLATE, placed first in TEMPLATES so that crispy-forms
    finds it before the pack's own; every other name is left to the next engine."""

    def __init__(self, params: dict[str, Any]) -> None:
        params = params.copy()
        params.pop("OPTIONS", None)
        super().__init__(params)

    def from_string(self, template_code: str):
        raise TemplateDoesNotExist("a template from a string", backend=self)

    def get_template(self, template_name: str) -> FieldTemplate:
        if template_name != FIELD_TEMPLATE:
            raise TemplateDoesNotExist(template_name, backend=self)
        return FieldTemplate(self)

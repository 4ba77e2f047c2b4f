"""Base form of every clinical record: reason for change, edit version and one-time submission token."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import ModelFormMetaclass
from django.forms.widgets import DateTimeBaseInput
from django.utils.translation import gettext_lazy as _

from blinatrial import params
from blinatrial.access import visible_site_ids
from integrity import labels, rules
from integrity.audit import audited_models, model_key, model_words
from integrity.models import LockScope, QueryStatus, SecurityEventKind, SignatureMeaning
from integrity.rules import DecimalEntryError, normalise_decimal_text

# --- Decimal entry: one widget and one rule for every decimal field of every clinical form ----------------


class DecimalTextInput(forms.TextInput):
    """A text box for a decimal (never `type="number"`, whose comma Chromium silently drops): the phone and
    tablet keyboards show digits and separators; the pattern lets digits, one dot or comma and an exponent."""

    def __init__(self, attrs=None):
        defaults = {
            "inputmode": "decimal",
            "pattern": r"[+\-]?[0-9]*[.,]?[0-9]*([eE][+\-]?[0-9]+)?",
            "title": _("A number, with a dot or a comma as decimal separator (e.g. 1.2 or 1,2)"),
            "autocomplete": "off",
        }
        super().__init__({**defaults, **(attrs or {})})


# The decimal rule's messages (integrity.rules, pure Python) in the reader's language.
DECIMAL_MESSAGES = {
    rules.NOT_A_NUMBER: _("Enter a number, e.g. 1.2 or 1,2."),
    rules.AMBIGUOUS_DECIMAL: _(
        "Write the number with one decimal separator (a dot or a comma) and no thousands separator, e.g. 1.2 or 1,2."
    ),
    rules.AMBIGUOUS_THOUSANDS: _(
        "This could be a thousands separator or a decimal comma: write 1234 or 1.234 (no thousands separator)."
    ),
}


def _normalised(value):
    if value in forms.Field.empty_values or not isinstance(value, str):
        return value
    try:
        return normalise_decimal_text(value)
    except DecimalEntryError as exc:
        raise ValidationError(DECIMAL_MESSAGES.get(str(exc), str(exc)), code="invalid") from exc


class ClinicalDecimalField(forms.DecimalField):
    """A DecimalField that reads "1,2" as 1.2 and refuses ambiguous input (integrity.rules)."""

    widget = DecimalTextInput

    def to_python(self, value):
        return super().to_python(_normalised(value))


class ClinicalFloatField(forms.FloatField):
    """A FloatField (MRD fractions) with the same decimal rule."""

    widget = DecimalTextInput

    def to_python(self, value):
        return super().to_python(_normalised(value))


_DECIMAL_FIELDS = {forms.DecimalField: ClinicalDecimalField, forms.FloatField: ClinicalFloatField}


def _with_decimal_rule(field: forms.Field) -> forms.Field:
    """The same field with the decimal-entry rule: class swapped, a text widget keeping the widget's attrs."""
    target = _DECIMAL_FIELDS.get(type(field))
    if target is None:
        return field
    field.__class__ = target
    if type(field.widget) is forms.NumberInput:
        kept = {k: v for k, v in field.widget.attrs.items() if k not in {"step", "min", "max"}}
        field.widget = DecimalTextInput(kept)
        field.widget.is_required = field.required
    return field


# --- Date entry: the browser's date picker for every date of every clinical form ------------------------------

# The value an <input type="date"> (or "datetime-local") holds is ISO 8601, whatever the page shows elsewhere.
PICKERS = {forms.DateField: ("date", "%Y-%m-%d"), forms.DateTimeField: ("datetime-local", "%Y-%m-%dT%H:%M")}


def _with_picker(field: forms.Field) -> forms.Field:
    """A date (date-time) field entered with the browser's picker, its value written in ISO 8601; the server
    reads ISO 8601 (Django adds it to every language's input formats)."""
    kind = next((k for k in PICKERS if type(field) is k), None)
    if kind is None or not isinstance(field.widget, DateTimeBaseInput):
        return field
    input_type, value_format = PICKERS[kind]
    if field.widget.input_type != input_type or field.widget.format is None:
        field.widget = type(field.widget)(attrs={**field.widget.attrs, "type": input_type}, format=value_format)
        field.widget.is_required = field.required
    return field


class ClinicalFormMetaclass(ModelFormMetaclass):
    """Every decimal field of a clinical form (from the model or declared) follows the decimal-entry rule, and
    every date and date-time field is entered with the browser's picker."""

    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        for field in getattr(new_class, "base_fields", {}).values():
            _with_decimal_rule(field)
            _with_picker(field)
        return new_class


CHANGE_REASONS = (
    # the code is stored (in English, the audit trail's reason); the label is shown in the reader's language
    ("", _("— choose —")),
    ("Transcription error", _("Transcription error")),
    ("Source document corrected", _("Source document corrected")),
    ("Late or updated result", _("Late or updated result")),
    ("Answer to a data query", _("Answer to a data query")),
    ("Other", _("Other (explain below)")),
)


class ClinicalRecordForm(forms.ModelForm, metaclass=ClinicalFormMetaclass):
    """ModelForm + the integrity fields. Editing saved data asks for a reason; the first entry does not."""

    row_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    change_reason = forms.ChoiceField(choices=CHANGE_REASONS, required=False, label=_("Reason for change"))
    change_reason_detail = forms.CharField(
        required=False, max_length=400, label=_("Explanation"), widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_edit = not self.instance._state.adding
        if self.is_edit:
            self.fields["row_version"].initial = self.instance.row_version
            self.fields["change_reason"].required = True
            del self.fields["submission_token"]
        else:
            self.fields["submission_token"].initial = uuid.uuid4()
            del self.fields["change_reason"]
            del self.fields["change_reason_detail"]
        self.helper = FormHelper()
        self.helper.form_tag = False  # templates/includes/record_form.html owns the <form>
        self.helper.add_input(Submit("save", self.submit_label))

    def edit_check_cache(self) -> dict | None:
        """Values this form has read while validating that the automatic edit checks run after its save read
        too (their per-run cache, integrity.edit_checks.run_for_participant), so the save does not read them
        again; None: nothing. Only values the saved record cannot change belong here."""
        return None

    def clean(self):
        data = super().clean()
        other = data.get("change_reason") == "Other"
        if self.is_edit and other and not (data.get("change_reason_detail") or "").strip():
            self.add_error("change_reason_detail", _("Explain the change when the reason is 'Other'."))
        return data

    @property
    def reason(self) -> str:
        if not self.is_edit:
            return ""
        reason = self.cleaned_data.get("change_reason", "")
        detail = (self.cleaned_data.get("change_reason_detail") or "").strip()
        return f"{reason}: {detail}" if detail else reason


class SoftDeleteForm(forms.Form):
    reason = forms.CharField(max_length=400, label=_("Reason for removal"))


# --- Integrity pages: audit filters, queries, signatures, locks -----------------------------------


def users_sharing_a_site(viewer):
    """The users who share a site with `viewer` (everyone for a viewer of every site): an assigned user of one
    of the viewer's sites, a user of every site, or the viewer."""
    users = get_user_model().objects.order_by("username")
    site_ids = visible_site_ids(viewer) if viewer is not None else []
    if site_ids is None:
        return users
    shared = Q(trial_sites__in=site_ids) | Q(staff_profile__all_sites=True) | Q(is_superuser=True)
    if viewer is not None:
        shared |= Q(pk=viewer.pk)
    return users.filter(pk__in=get_user_model().objects.filter(shared).values("pk"))


ISO_DATE_PICKER = ({"type": "date"}, "%Y-%m-%d")  # the picker's value is ISO 8601 (not the language's d/m/Y)


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(required=False, label=_("Form"))
    field = forms.CharField(required=False, max_length=100, label=_("Field (name)"))
    user = forms.ModelChoiceField(queryset=None, required=False, label=_("User"))
    since = forms.DateField(required=False, label=_("From (UTC date)"), widget=forms.DateInput(*ISO_DATE_PICKER))
    until = forms.DateField(required=False, label=_("To (UTC date)"), widget=forms.DateInput(*ISO_DATE_PICKER))

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("All forms"))] + [
            (model_key(m), model_words(m)) for m in audited_models()
        ]
        self.fields["user"].queryset = users_sharing_a_site(viewer)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data


class QueryRaiseForm(forms.Form):
    field_name = forms.ChoiceField(label=_("Field"))
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Query"))

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [
            f
            for f in type(record)._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in {"is_deleted", "deleted_at", "deleted_reason"}
        ]
        self.fields["field_name"].choices = [(f.name, labels.field_label(type(record), f.name)) for f in fields]


class QueryMessageForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Message"), required=False
    )


class SignForm(forms.Form):
    timepoint = forms.ChoiceField(label=_("What you sign"))
    meaning = forms.ChoiceField(label=_("Meaning of the signature"))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}), label=_("Your password")
    )

    def __init__(self, *args, timepoints=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timepoint"].choices = [("", _("Whole casebook"))] + [
            (tp, _("Timepoint %(timepoint)s") % {"timepoint": tp}) for tp in timepoints
        ]
        self.fields["timepoint"].required = False
        self.fields["meaning"].choices = SignatureMeaning.choices


SCOPE_MISSING = _("Choose what to lock: the whole study, one participant or one participant's timepoint.")
FREEZE_UNCONFIRMED = _("Tick the box to confirm: a study freeze stops every change to every participant's data.")


class LockForm(forms.Form):
    """What to lock is an explicit choice (no default); a whole-study freeze also needs a confirmation."""

    scope = forms.ChoiceField(label=_("What to lock"), error_messages={"required": SCOPE_MISSING})
    participant = forms.ModelChoiceField(queryset=None, required=False, label=_("Participant"))
    timepoint = forms.CharField(
        required=False, max_length=20, label=_("Timepoint"), help_text=_("e.g. EOC1 (only for a timepoint lock)")
    )
    reason = forms.CharField(required=False, max_length=400, label=_("Reason"))
    confirm_freeze = forms.BooleanField(
        required=False,
        label=_("I understand this freezes every participant's data"),
        help_text=_("Only for a whole-study freeze."),
    )

    def __init__(self, *args, participants=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [("", _("Choose …")), *LockScope.choices]
        self.fields["participant"].queryset = participants

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope in ("participant", "timepoint") and not data.get("participant"):
            self.add_error("participant", _("Choose the participant to lock."))
        if scope == "timepoint" and not (data.get("timepoint") or "").strip():
            self.add_error("timepoint", _("Name the timepoint to lock."))
        if scope == "study":
            if not data.get("confirm_freeze"):
                self.add_error("confirm_freeze", FREEZE_UNCONFIRMED)
            data["participant"] = None
            data["timepoint"] = ""
        if scope == "participant":
            data["timepoint"] = ""
        return data


class UnlockForm(forms.Form):
    reason = forms.CharField(max_length=400, label=_("Reason for unlocking"))


# --- Query strings (blinatrial.params) ------------------------------------------------------------


class AuditPageParams(forms.Form):
    """Besides the filters (AuditFilterForm): the page, CSV output, and the field-history fragment."""

    page = params.page_number()
    format = params.choice(_("Format"), [("csv", "CSV")])
    partial = params.choice(_("Fragment"), [("1", _("yes"))])


class QueryListParams(forms.Form):
    status = params.choice(_("Status"), [("live", _("Open or answered")), *QueryStatus.choices, ("all", _("All"))])
    participant = params.record_id(_("Participant"))
    page = params.page_number()


class FieldParams(forms.Form):
    field = params.code(_("Field"), max_length=100)


class TimepointParams(forms.Form):
    timepoint = params.code(_("Timepoint"))


class LockCreateParams(forms.Form):
    participant = params.record_id(_("Participant"))


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code of your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class NextParams(forms.Form):
    next = params.text(_("Next page"), max_length=2000)


class SecurityLogParams(forms.Form):
    kind = params.choice(_("Event"), SecurityEventKind.choices)
    page = params.page_number()

"""Base form of every clinical record: reason for change, edit version and one-time submission token."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

CHANGE_REASONS = (
    ("", "— choose —"),
    ("Transcription error", "Transcription error"),
    ("Source document corrected", "Source document corrected"),
    ("Late or updated result", "Late or updated result"),
    ("Answer to a data query", "Answer to a data query"),
    ("Other", "Other (explain below)"),
)


class ClinicalRecordForm(forms.ModelForm):
    """ModelForm + the integrity fields. Editing saved data asks for a reason; the first entry does not."""

    row_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    change_reason = forms.ChoiceField(choices=CHANGE_REASONS, required=False, label="Reason for change")
    change_reason_detail = forms.CharField(
        required=False, max_length=400, label="Explanation", widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    submit_label = "Save"

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

    def clean(self):
        data = super().clean()
        other = data.get("change_reason") == "Other"
        if self.is_edit and other and not (data.get("change_reason_detail") or "").strip():
            self.add_error("change_reason_detail", "Explain the change when the reason is 'Other'.")
        return data

    @property
    def reason(self) -> str:
        if not self.is_edit:
            return ""
        reason = self.cleaned_data.get("change_reason", "")
        detail = (self.cleaned_data.get("change_reason_detail") or "").strip()
        return f"{reason}: {detail}" if detail else reason


class SoftDeleteForm(forms.Form):
    reason = forms.CharField(max_length=400, label="Reason for removal")

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enrollment.models import Site
from exports import rules
from exports.services import exportable_site_codes


class SnapshotForm(forms.Form):
    cutoff = forms.DateField(
        label=_("Data cut-off"),
        # A date input reads and shows only an ISO value: Django's localised default (dd/mm/yyyy) left it empty.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The analysis datasets are derived as of this date (YYYY-MM-DD)."),
    )
    sites = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label=_("Sites"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = exportable_site_codes(user)
        sites = Site.objects.order_by("code")
        if allowed is not None:
            sites = sites.filter(code__in=allowed)
        self.fields["sites"].choices = [(s.code, str(s)) for s in sites]
        self.fields["sites"].help_text = (
            gettext("Leave all unticked to export every site.")
            if allowed is None
            else gettext("Leave all unticked to export all your sites.")
        )
        self.fields["cutoff"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False  # templates/includes/record_form.html owns the <form>
        self.helper.add_input(Submit("create", gettext("Create snapshot")))

    def clean(self):
        data = super().clean()
        if problem := rules.cutoff_problem(data.get("cutoff"), timezone.localdate()):
            self.add_error("cutoff", problem)
        return data

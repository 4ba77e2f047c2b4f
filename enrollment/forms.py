"""Enrollment forms: screening with the eligibility checklist, consent, enrollment, screen failure, status.

Protocol rules are delegated to enrollment.rules; the services re-check them inside their transaction.
"""

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from blinatrial import params
from blinatrial.access import visible_site_ids
from blinatrial.dates import shown_date
from enrollment import rules
from enrollment.models import Consent, ParticipantStatus, ScreeningRecord, ScreeningStatus, Site, StudySettings
from enrollment.protocol import ENROLLMENT_PROTOCOL
from integrity.forms import ClinicalDecimalField, ClinicalRecordForm

ANSWER_CHOICES = (("met", _("Met")), ("not_met", _("Not met")), ("not_assessed", _("Not assessed")))
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


LAB_FIELDS = tuple(lab.field for lab in ENROLLMENT_PROTOCOL.lab_limits)
# The form fields a data criterion is evaluated from: a contradicting tick is refused next to them.
DATA_FORM_FIELDS = {
    "age": ("birth_date", "age_years"), "ecog": ("ecog",), "ph_result": ("ph_result",),
    "cns_status": ("cns_status",), "labs": LAB_FIELDS, "consent": (),
}
DATA_SOURCE_WORDS = {
    "age": _("the date of birth or age"), "ecog": _("the ECOG status"), "ph_result": _("the BCR::ABL1 result"),
    "cns_status": _("the CNS status"), "labs": _("the laboratory values"), "consent": _("the consent recorded"),
}


PH_TEST_DATE = rules.Message(gettext_noop("The BCR::ABL1 test date"))
DATE_OF_CHANGE = rules.Message(gettext_noop("The date of change"))


def criterion_field_name(code: str) -> str:
    return f"criterion_{code}"


def _future_error(form: forms.Form, name: str, label: str) -> None:
    value = form.cleaned_data.get(name)
    if (problem := rules.future_date_problem(value, timezone.localdate(), label)) is not None:
        form.add_error(name, problem.shown())


def _simple_helper(submit_label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("save", submit_label))
    return helper


class ScreeningForm(ClinicalRecordForm):
    """Candidate details and one met / not met / not assessed answer per protocol criterion."""

    submit_label = _("Save screening")

    class Meta:
        model = ScreeningRecord
        fields = [
            "site", "screened_on", "initials", "sex", "birth_date", "age_years",
            "ph_test_method", "ph_test_date", "ph_result", "ecog", "cns_status", *LAB_FIELDS,
        ]
        labels = {
            "site": _("Site"), "screened_on": _("Screening date"), "initials": _("Initials"), "sex": _("Sex"),
            "birth_date": _("Date of birth"), "age_years": _("Age (years)"),
            "ph_test_method": _("BCR::ABL1 test method"), "ph_test_date": _("BCR::ABL1 test date"),
            "ecog": _("ECOG status (0-4)"),
        }
        help_texts = {"age_years": _("Years; only if the date of birth is not recorded.")}
        widgets = {"screened_on": DATE_WIDGET, "birth_date": DATE_WIDGET, "ph_test_date": DATE_WIDGET}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_edit:
            del self.fields["site"]
        else:
            site_ids = visible_site_ids(user)
            sites = Site.objects.all() if site_ids is None else Site.objects.filter(pk__in=site_ids)
            self.fields["site"].queryset = sites
            self.fields["site"].empty_label = None
        answers = self.instance.criteria or {}
        for criterion in ENROLLMENT_PROTOCOL.criteria:
            source = DATA_SOURCE_WORDS.get(criterion.data_field)
            self.fields[criterion_field_name(criterion.code)] = forms.ChoiceField(
                label=rules.criterion_text(criterion).shown(), choices=ANSWER_CHOICES, widget=forms.RadioSelect,
                initial=answers.get(criterion.code, "not_assessed"),
                help_text=gettext("Evaluated from %(source)s; a tick that contradicts it is refused.")
                % {"source": source} if source else "",
            )
        self.consent_on = self.instance.consent_on() if self.is_edit else None
        self.helper.layout = self._layout()

    def _layout(self) -> Layout:
        def row(*names: str) -> Row:
            return Row(*[Column(n, css_class="col-md") for n in names if n in self.fields])

        headings = {"inclusion": gettext("Inclusion criteria"), "exclusion": gettext("Exclusion criteria")}
        checklist = [
            Column(
                HTML(f'<h3 class="h6 fw-semibold border-bottom pb-1">{headings[kind]}</h3>'),
                *[InlineRadios(criterion_field_name(c.code)) for c in ENROLLMENT_PROTOCOL.criteria if c.kind == kind],
                css_class="col-lg-6",
            )
            for kind in ("inclusion", "exclusion")
        ]
        rest = [n for n in ("row_version", "submission_token", "change_reason", "change_reason_detail")
                if n in self.fields]
        return Layout(
            Fieldset(gettext("Candidate"), row("site", "screened_on", "initials", "sex"),
                     row("birth_date", "age_years", "ecog", "cns_status"),
                     row("ph_test_method", "ph_test_date", "ph_result")),
            Fieldset(gettext("Organ function (multiples of the upper limit of normal)"), row(*LAB_FIELDS)),
            Fieldset(gettext("Eligibility checklist"), Row(*checklist, css_class="eligibility-checklist")),
            row(*rest),
        )

    def clean(self):
        data = super().clean()
        birth_date, screened_on = data.get("birth_date"), data.get("screened_on")
        if not birth_date and data.get("age_years") is None and "age_years" not in self.errors:
            self.add_error("age_years", gettext("Enter the date of birth or the age."))
        _future_error(self, "screened_on", rules.SCREENING_DATE)
        _future_error(self, "ph_test_date", PH_TEST_DATE)
        if birth_date and screened_on and birth_date >= screened_on:
            self.add_error("birth_date", gettext("The date of birth must be before the screening date."))
        if data.get("ph_result") and not (data.get("ph_test_method") and data.get("ph_test_date")):
            self.add_error("ph_result", gettext("Give the test method and date of the BCR::ABL1 result."))
        self._check_screening_date_order(screened_on)
        self._refuse_contradicting_ticks()
        self.instance.criteria = self.criteria()
        return data

    def _check_screening_date_order(self, screened_on) -> None:
        """An edited screening date must not follow the consent or the enrollment already recorded."""
        participant = getattr(self.instance, "participant", None) if self.is_edit else None
        later = (
            rules.date_after_problem(
                screened_on, self.consent_on, rules.DATE_NAMES["consent_on"], rules.SCREENING_DATE
            )
            or rules.date_after_problem(
                screened_on, getattr(participant, "enrolled_on", None), rules.DATE_NAMES["enrolled_on"],
                rules.SCREENING_DATE,
            )
        )
        if later:
            self.add_error("screened_on", later.shown())

    def screening_data(self) -> rules.ScreeningData:
        data = self.cleaned_data
        birth_date, screened_on = data.get("birth_date"), data.get("screened_on")
        age = rules.age_on(birth_date, screened_on) if birth_date and screened_on else data.get("age_years")
        return rules.ScreeningData(
            age_years=age, ecog=data.get("ecog"), ph_result=data.get("ph_result") or "",
            cns_status=data.get("cns_status") or "", labs={f: data.get(f) for f in LAB_FIELDS},
            consent_on=self.consent_on,
        )

    def _refuse_contradicting_ticks(self) -> None:
        ticks = self._ticks()
        for code, problem in rules.contradicting_ticks(ticks, self.screening_data(), ENROLLMENT_PROTOCOL).items():
            criterion = ENROLLMENT_PROTOCOL.criterion(code)
            data_fields = [f for f in DATA_FORM_FIELDS[criterion.data_field] if self.cleaned_data.get(f) is not None]
            for name in data_fields[:1] or DATA_FORM_FIELDS[criterion.data_field][:1]:
                self.add_error(name, problem.shown())
            self.add_error(criterion_field_name(code), problem.shown())

    def _ticks(self) -> dict[str, str]:
        return {
            c.code: self.cleaned_data.get(criterion_field_name(c.code), "not_assessed")
            for c in ENROLLMENT_PROTOCOL.criteria
        }

    def criteria(self) -> dict[str, str]:
        """What is stored: the tick of a criterion without data, the answer the data give for the others."""
        evaluated = rules.criterion_answers(self._ticks(), self.screening_data(), ENROLLMENT_PROTOCOL)
        return {code: answer for code, (answer, _) in evaluated.items()}

    def record_data(self) -> dict:
        """Keyword arguments for services.screen_candidate."""
        return {
            **{n: self.cleaned_data[n] for n in self.Meta.fields if n in self.fields},
            "criteria": self.criteria(),
        }


class ConsentForm(ClinicalRecordForm):
    """Signed consent: an approved document version, the date signed, who obtained it."""

    submit_label = _("Record consent")

    class Meta:
        model = Consent
        fields = ["document_version", "signed_on", "obtained_by"]
        labels = {"signed_on": _("Date signed"), "document_version": _("Consent document version"),
                  "obtained_by": _("Obtained by")}
        widgets = {"signed_on": DATE_WIDGET}

    def __init__(self, *args, screening: ScreeningRecord | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.screening = screening if screening is not None else getattr(self.instance, "screening", None)
        approved = ENROLLMENT_PROTOCOL.approved_consent_versions()
        dates = {v.version: v.approved_on for v in ENROLLMENT_PROTOCOL.consent_versions}
        self.fields["document_version"] = forms.ChoiceField(
            label=_("Consent document version"),
            choices=[(v, gettext("%(version)s (approved %(on)s)") % {"version": v, "on": shown_date(dates[v])})
                     for v in approved],
            initial=approved[-1] if approved else None,
        )

    def clean(self):
        data = super().clean()
        version, signed_on = data.get("document_version"), data.get("signed_on")
        if version and signed_on:
            approved = ENROLLMENT_PROTOCOL.approved_consent_versions(on=signed_on)
            if (problem := rules.consent_version_problem(version, signed_on, approved)) is not None:
                self.add_error("document_version", problem.shown())
        _future_error(self, "signed_on", rules.DATE_OF_CONSENT)
        if signed_on and self.screening is not None and (problem := consent_order_problem(self.screening, signed_on)):
            self.add_error("signed_on", problem.shown())
        return data


def consent_order_problem(screening: ScreeningRecord, signed_on) -> str | None:
    """Screening <= consent <= enrollment: the date of consent against the screening and enrollment dates."""
    dates = rules.TrialDates(screened_on=screening.screened_on)
    participant = getattr(screening, "participant", None) if screening.pk else None
    return rules.date_order_problem(
        signed_on, dates, "screened_on", rules.DATE_OF_CONSENT
    ) or rules.date_after_problem(
        signed_on, getattr(participant, "enrolled_on", None), rules.DATE_NAMES["enrolled_on"], rules.DATE_OF_CONSENT
    )


class EnrollmentForm(forms.Form):
    enrolled_on = forms.DateField(label=_("Enrollment date"), widget=DATE_WIDGET)
    height_cm = ClinicalDecimalField(
        label=_("Height (cm)"), min_value=100, max_value=250, max_digits=5, decimal_places=1,
        help_text=_("cm"),
    )
    weight_kg = ClinicalDecimalField(
        label=_("Weight (kg)"), min_value=25, max_value=300, max_digits=5, decimal_places=1, help_text="kg"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolled_on"].initial = timezone.localdate()
        self.helper = _simple_helper(gettext("Enroll participant"))

    def clean(self):
        # The order screening <= consent <= enrollment is checked by services.enroll_participant, which lists
        # every reason for a refusal at once.
        data = super().clean()
        _future_error(self, "enrolled_on", rules.ENROLLMENT_DATE)
        return data


class ScreenFailForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for screen failure"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _simple_helper(gettext("Record screen failure"))
        self.helper.inputs[0].field_classes = "btn btn-danger"


class StatusChangeForm(forms.Form):
    """Next status along the lifecycle, its date and reason (off study: one of the protocol's reasons)."""

    to_status = forms.ChoiceField(label=_("New status"))
    changed_on = forms.DateField(label=_("Date of change"), widget=DATE_WIDGET)
    off_study_reason = forms.ChoiceField(
        label=_("Off-study reason"), required=False,
        choices=[("", _("— choose —")), *((code, _(label)) for code, label in rules.OFF_STUDY_REASON_LABELS.items())],
    )
    reason = forms.CharField(label=_("Comment"), required=False, max_length=400)

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        labels = dict(ParticipantStatus.choices)
        self.fields["to_status"].choices = [
            (s, labels.get(s, s)) for s in rules.TRANSITIONS.get(participant.status, ())
        ]
        self.fields["changed_on"].initial = timezone.localdate()
        self.helper = _simple_helper(gettext("Change status"))

    def clean(self):
        data = super().clean()
        _future_error(self, "changed_on", DATE_OF_CHANGE)
        on = data.get("changed_on")
        if on and on < self.participant.status_on:
            self.add_error("changed_on", gettext("The date is before the current status date (%(on)s).")
                           % {"on": shown_date(self.participant.status_on)})
        if data.get("to_status") == rules.OFF_STUDY and not data.get("off_study_reason"):
            self.add_error("off_study_reason", gettext("Choose the reason the participant goes off study."))
        return data


class StudySettingsForm(forms.ModelForm):
    """Run-time study settings: a data manager raises the enrollment target here."""

    class Meta:
        model = StudySettings
        fields = ["target_enrollment", "registry_id", "sponsor"]
        labels = {"target_enrollment": _("Enrollment target (participants)"),
                  "registry_id": _("Registry ID (e.g. NCT)"), "sponsor": _("Sponsor")}

    reason = forms.CharField(
        label=_("Reason for change"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit trail with the old and new values."),
        error_messages={"required": _("Give the reason for this change: it is kept in the audit trail.")},
    )

    def __init__(self, *args, enrolled: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolled = enrolled
        self.helper = _simple_helper(gettext("Save settings"))

    def clean_target_enrollment(self):
        target = self.cleaned_data["target_enrollment"]
        if target < self.enrolled:
            raise forms.ValidationError(
                gettext("%(enrolled)s participants are already enrolled: the target cannot be lower.")
                % {"enrolled": self.enrolled}
            )
        return target


class _ListParams(forms.Form):
    """The query string of a list page: search text, status filter, sort column, page."""

    SORTS: dict[str, str] = {}
    STATUSES = ()

    q = params.text(_("Search"))
    page = params.page_number()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"] = params.choice(_("Status"), self.STATUSES)
        self.fields["sort"] = params.choice(_("Sort"), params.sort_choices(self.SORTS))


class ScreeningListParams(_ListParams):
    SORTS = {"number": "screening_number", "site": "site__code", "date": "screened_on", "status": "status"}
    STATUSES = ScreeningStatus.choices


class ParticipantListParams(_ListParams):
    SORTS = {
        "id": "participant_id", "site": "site__code", "enrolled": "enrolled_on", "status": "status",
        "status_on": "status_on",
    }
    STATUSES = ParticipantStatus.choices

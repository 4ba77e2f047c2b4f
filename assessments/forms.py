"""Assessment forms: field-level messages, nothing saved on error, units on every numeric field.

Choice documented here (issue 5): flow MRD "not detected" without a LOD is REFUSED with a field error on
the LOD (the lab report always states it); the edit check "MRD entered without LOD" then only catches
records written by other paths (imports, admin).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments import rules, services
from assessments.models import (
    EOC_CYCLE_NUMBER,
    EOC_TIMEPOINTS,
    BloodBlasts,
    BloodCount,
    BoneMarrowAssessment,
    DiseaseStatus,
    ExtramedullaryDisease,
    FlowMrd,
    FlowResultType,
    FollowUpContact,
    NgsMrd,
    NgsResult,
    ResponseCall,
    VitalStatus,
)
from blinatrial import params
from blinatrial.dates import shown_date
from cycles.services import c1d1_anchor
from enrollment import checks
from enrollment.models import ScreeningStatus
from enrollment.rules import TrialDates
from integrity.forms import ClinicalRecordForm
from integrity.rules import STATE_LABELS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOT_ENROLLED = _("Assessments can be recorded only for an enrolled participant: %(problem)s")


def not_enrolled_problem(participant, facts: checks.ScreeningFacts | None = None) -> str | None:
    """Removed, or the screening record is not "enrolled" (e.g. screen failed). `facts`: the screening as the
    caller has just read it (checks.screening_facts); read here otherwise."""
    if (problem := checks.enrolled_problem(participant)) is not None:
        return problem
    # Read from the database: a caller's participant.screening may predate the enrollment that updated it.
    status = (facts or checks.screening_facts(participant)).status
    if status != ScreeningStatus.ENROLLED:
        state = ScreeningStatus(status).label if status else gettext("missing")
        return gettext("the screening record is '%(state)s'.") % {"state": state}
    return None


class ParticipantRecordForm(ClinicalRecordForm):
    """Base of every assessment form: the participant is fixed by the URL, never posted.

    Its dates must not precede the trial date `not_before` nor an earlier one (screening <= consent <=
    enrollment <= C1D1): marrows and follow-up come after C1D1; blood counts and EMD assessments may be
    baseline values, taken after consent and before the first dose.
    """

    date_fields: tuple[str, ...] = ()
    not_before = "consent_on"

    def __init__(self, *args, participant, **kwargs):
        self.participant = participant
        super().__init__(*args, **kwargs)
        if hasattr(self.instance, "participant_id"):
            self.instance.participant = participant
        self._dates = None
        self._facts = None

    def screening_facts(self) -> checks.ScreeningFacts:
        """The screening's status and date and the first consent, read once (one query) for the form's checks."""
        if self._facts is None:
            self._facts = checks.screening_facts(self.participant)
        return self._facts

    def trial_dates(self) -> TrialDates:
        """Screening, consent, enrollment dates (and C1D1 when the form's dates must follow it), once."""
        if self._dates is None:
            c1d1 = c1d1_anchor(self.participant.pk) if self.not_before == "c1d1" else None
            self._dates = checks.trial_dates(self.participant, c1d1=c1d1, facts=self.screening_facts())
        return self._dates

    def consent_on(self) -> date | None:
        return self.trial_dates().consent_on

    def edit_check_cache(self) -> dict | None:
        """The trial dates validation read (an assessment never changes them), keyed as cycles.checks.trial_dates
        keeps them: with C1D1 only when the form's dates follow it."""
        if self._dates is None:
            return None
        key = "trial_dates_c1d1" if self.not_before == "c1d1" else "trial_dates"
        return {"participant": self.participant, key: self._dates}

    def clean(self):
        data = super().clean()
        if (problem := not_enrolled_problem(self.participant, self.screening_facts())) is not None:
            raise forms.ValidationError(NOT_ENROLLED % {"problem": problem})
        for name in self.date_fields:
            if data.get(name) is None:
                continue
            label = self.fields[name].label or name
            for problem in checks.clinical_date_problems(
                self.participant, data.get(name), label, dates=self.trial_dates(), not_before=self.not_before
            ):
                self.add_error(name, problem)
        return data


class ConfirmUnusualMixin:
    """Implausible but possible values: a warning and a "confirm" checkbox instead of a refusal.

    The form declares ``confirm_unusual`` (hidden until a warning shows it).
    """

    def ask_confirmation(self, warnings: dict[str, str]) -> None:
        if not warnings or self.cleaned_data.get("confirm_unusual"):
            return
        self.fields["confirm_unusual"].widget = forms.CheckboxInput()
        for name, text in warnings.items():
            self.add_error(name, text)
        self.add_error("confirm_unusual", gettext("Tick to confirm the unusual values above, or correct them."))


class MarrowForm(ParticipantRecordForm):
    date_fields = ("sample_date",)
    not_before = "c1d1"

    class Meta:
        model = BoneMarrowAssessment
        fields = ["timepoint", "sample_date", "aspirate_adequacy", "blasts_pct", "cellularity", "sample_id"]
        widgets = {"sample_date": DATE_WIDGET}
        labels = {"timepoint": _("Timepoint"), "aspirate_adequacy": _("Aspirate adequacy"),
                  "cellularity": _("Cellularity")}

    def clean(self):
        data = super().clean()
        adequate = data.get("aspirate_adequacy") == "ADEQUATE"
        if adequate and data.get("blasts_pct") is None and "blasts_pct" not in self.errors:
            self.add_error("blasts_pct", gettext("Enter the blast % (0-100) for an adequate aspirate."))
        if not adequate and data.get("blasts_pct") is not None:
            # xgettext:no-python-format
            self.add_error("blasts_pct", gettext("Leave the blast % empty when the aspirate is inadequate."))
        timepoint = data.get("timepoint")
        if timepoint in EOC_TIMEPOINTS:
            first = services.live_eoc_marrow(self.participant, timepoint, exclude_pk=self.instance.pk)
            if first is not None:
                url = reverse("assessments:marrow-edit", args=[first.pk])
                self.add_error(
                    "timepoint",
                    format_html(
                        gettext('An end-of-cycle marrow for {} is already recorded ({}): <a href="{}">correct the '
                                "first instead</a>."),
                        timepoint,
                        first.sample_date,
                        url,
                    ),
                )
        self.instance.cycle_number = EOC_CYCLE_NUMBER.get(timepoint)
        return data


class BloodCountForm(ConfirmUnusualMixin, ParticipantRecordForm):
    date_fields = ("sample_date",)
    confirm_unusual = forms.BooleanField(
        required=False, widget=forms.HiddenInput, label=_("I have checked these values: they are correct")
    )

    class Meta:
        model = BloodCount
        fields = [
            "sample_date", "anc_e9_per_l", "platelets_e9_per_l", "hb_g_per_l", "wbc_e9_per_l",
            "circulating_blasts", "circulating_blasts_pct", "platelet_transfusion_within_7d",
        ]
        widgets = {"sample_date": DATE_WIDGET}

    def clean(self):
        data = super().clean()
        pct = data.get("circulating_blasts_pct")
        if pct is not None and pct > 0 and data.get("circulating_blasts") != BloodBlasts.PRESENT:
            self.add_error("circulating_blasts_pct", gettext("A blast % above 0 means circulating blasts are present."))
        if not self.errors:
            self.ask_confirmation(
                rules.implausible_count_warnings(
                    anc=_num(data.get("anc_e9_per_l")),
                    platelets=_num(data.get("platelets_e9_per_l")),
                    hb=_num(data.get("hb_g_per_l")),
                    wbc=_num(data.get("wbc_e9_per_l")),
                )
            )
        return data


class EmdForm(ParticipantRecordForm):
    date_fields = ("assessed_on",)

    class Meta:
        model = ExtramedullaryDisease
        fields = ["assessed_on", "status", "cns_status", "sites"]
        widgets = {"assessed_on": DATE_WIDGET}
        labels = {"status": _("Extramedullary disease"), "cns_status": _("CNS status")}

    def clean(self):
        data = super().clean()
        if data.get("status") == "PRESENT" and not (data.get("sites") or "").strip() and data.get("cns_status") in (
            "CNS1", "NOT_ASSESSED"
        ):
            self.add_error("sites", gettext("Name the extramedullary site(s)."))
        return data


class MarrowRecordForm(ParticipantRecordForm):
    """Base of the forms attached to one marrow (flow, NGS, response call)."""

    one_per_marrow_model = None
    one_per_marrow_label = ""

    def __init__(self, *args, marrow: BoneMarrowAssessment, **kwargs):
        self.marrow = marrow
        super().__init__(*args, participant=marrow.participant, **kwargs)
        self.instance.marrow = marrow

    def clean(self):
        data = super().clean()
        model = self.one_per_marrow_model
        existing = model.objects.live().filter(marrow=self.marrow).exclude(pk=self.instance.pk).first()
        if existing is not None:
            url = reverse(f"assessments:{self.one_per_marrow_label}-edit", args=[existing.pk])
            raise forms.ValidationError(
                format_html(gettext('This marrow already has one: <a href="{}">correct the first instead</a>.'), url)
            )
        return data


class FlowMrdForm(MarrowRecordForm):
    one_per_marrow_model = FlowMrd
    one_per_marrow_label = "flow"

    class Meta:
        model = FlowMrd
        fields = ["result_type", "value_pct", "lod_pct", "not_evaluable_reason", "cells_analysed", "lab",
                  "method_version"]
        labels = {"result_type": _("Result type"), "not_evaluable_reason": _("Not evaluable reason"),
                  "method_version": _("Method version")}

    def clean(self):
        data = super().clean()
        kind = data.get("result_type")
        if kind == FlowResultType.QUANTIFIED and data.get("value_pct") is None and "value_pct" not in self.errors:
            self.add_error("value_pct", gettext("Enter the MRD value (%) of a quantified result."))
        if kind != FlowResultType.QUANTIFIED and data.get("value_pct") is not None:
            self.add_error("value_pct", gettext("Only a quantified result has a value; leave it empty."))
        if kind == FlowResultType.NOT_DETECTED and data.get("lod_pct") is None and "lod_pct" not in self.errors:
            self.add_error(
                "lod_pct",
                gettext("Enter the assay's limit of detection (%): 'not detected' is negative only when LOD < 0.1 %."),
            )
        if kind == FlowResultType.NOT_EVALUABLE and not (data.get("not_evaluable_reason") or "").strip():
            self.add_error("not_evaluable_reason", gettext("Give the reason the sample was not evaluable."))
        return data


class NgsMrdForm(MarrowRecordForm):
    one_per_marrow_model = NgsMrd
    one_per_marrow_label = "ngs"

    class Meta:
        model = NgsMrd
        fields = ["clone_trackable", "result", "value_fraction", "value_cells_per_million", "lod_fraction", "lab"]
        labels = {"result": _("Result")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clone_trackable"] = forms.TypedChoiceField(
            label=_("Baseline clone trackable"),
            choices=(("", gettext("— choose —")), ("True", gettext("Yes")), ("False", gettext("No"))),
            coerce=lambda v: v == "True",
            empty_value=None,
            help_text=_("No trackable clone: NGS MRD is not evaluable for this participant."),
        )

    def clean(self):
        data = super().clean()
        trackable, result = data.get("clone_trackable"), data.get("result")
        values = data.get("value_fraction") is not None or data.get("value_cells_per_million") is not None
        if trackable and not result:
            self.add_error("result", gettext("Choose detected or not detected."))
        if trackable is False and (result or values):
            self.add_error("result", gettext("Without a trackable clone there is no result: leave it empty."))
        if result == NgsResult.NOT_DETECTED and data.get("lod_fraction") is None and "lod_fraction" not in self.errors:
            self.add_error(
                "lod_fraction", gettext("Enter the limit of detection (fraction) of a 'not detected' result.")
            )
        if result == NgsResult.NOT_DETECTED and values:
            self.add_error("value_fraction", gettext("A 'not detected' result has no value; leave it empty."))
        frac, cpm = data.get("value_fraction"), data.get("value_cells_per_million")
        if frac is not None and cpm is not None and abs(frac * 1_000_000 - cpm) > max(1e-9, 0.01 * cpm):
            self.add_error(
                "value_cells_per_million", gettext("Does not match the fraction (per million = fraction x 1e6).")
            )
        return data


class ResponseCallForm(MarrowRecordForm):
    one_per_marrow_model = ResponseCall
    one_per_marrow_label = "call"

    class Meta:
        model = ResponseCall
        fields = ["response", "comment"]
        labels = {"comment": _("Comment")}

    def clean(self):
        data = super().clean()
        if self.marrow.timepoint not in EOC_TIMEPOINTS:
            raise forms.ValidationError(
                gettext("The investigator's response call is made at end-of-cycle marrows only.")
            )
        return data


@dataclass(frozen=True)
class ConditionalSection:
    """Fields that apply only when `control` has the value `shows`: hidden in the browser otherwise
    (static/js/conditional_sections.js reads the data attributes) and refused by the server if filled."""

    key: str
    control: str
    shows: str | bool
    fields: tuple[str, ...]
    condition: str  # in words, for the message next to a refused field

    def applies(self, data: dict) -> bool:
        return bool(data.get(self.control)) if isinstance(self.shows, bool) else data.get(self.control) == self.shows

    def div(self) -> Div:
        shows = ("true" if self.shows else "false") if isinstance(self.shows, bool) else str(self.shows)
        return Div(
            *self.fields, css_class="conditional-section", data_show_when=self.control, data_show_value=shows,
            data_testid=f"section-{self.key}",
        )


FOLLOW_UP_SECTIONS = (
    ConditionalSection("relapse", "disease_status", DiseaseStatus.RELAPSE.value,
                       ("relapse_date", "relapse_documented_by"), _("the disease status is 'Relapse'")),
    ConditionalSection("death", "vital_status", VitalStatus.DEAD.value,
                       ("death_date", "death_cause", "death_cause_detail"), _("the vital status is 'Dead'")),
    ConditionalSection("transplant", "transplant_since_last_contact", True,
                       ("transplant_date",), _("'Transplant since the last contact' is ticked")),
)


class FollowUpContactForm(ParticipantRecordForm):
    """Relapse, death and transplant fields form sections shown only when they apply (FOLLOW_UP_SECTIONS)."""

    date_fields = ("contact_date", "relapse_date", "death_date", "transplant_date")
    not_before = "c1d1"
    sections = FOLLOW_UP_SECTIONS

    class Meta:
        model = FollowUpContact
        fields = [
            "contact_date", "method", "vital_status", "disease_status", "relapse_date", "relapse_documented_by",
            "death_date", "death_cause", "death_cause_detail", "transplant_since_last_contact", "transplant_date",
        ]
        widgets = dict.fromkeys(("contact_date", "relapse_date", "death_date", "transplant_date"), DATE_WIDGET)
        labels = {
            "contact_date": _("Contact date"), "method": _("Method"), "vital_status": _("Vital status"),
            "disease_status": _("Disease status"), "relapse_date": _("Relapse date"),
            "relapse_documented_by": _("Relapse documented by"), "death_date": _("Death date"),
            "death_cause": _("Death cause"), "death_cause_detail": _("Death cause detail"),
            "transplant_date": _("Transplant date"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        by_first = {s.fields[0]: s for s in self.sections}
        in_section = {name for s in self.sections for name in s.fields}
        items = []
        for name in self.fields:
            if name in by_first:
                items.append(by_first[name].div())
            elif name not in in_section:
                items.append(name)
        self.helper.layout = Layout(*items)

    def clean(self):
        data = super().clean()
        self._refuse_inapplicable(data)
        self._clean_death(data)
        self._clean_relapse(data)
        if data.get("transplant_since_last_contact") and data.get("transplant_date") is None:
            self.add_error("transplant_date", gettext("Enter the transplant date."))
        return data

    def _refuse_inapplicable(self, data: dict) -> None:
        """A value in a section that does not apply is refused next to it (never silently dropped)."""
        for section in self.sections:
            if section.applies(data) or section.control in self.errors:
                continue
            for name in section.fields:
                if data.get(name) not in (None, "") and name not in self.errors:
                    self.add_error(name, gettext("Only when %(condition)s: clear this, or correct the %(field)s.") % {
                        "condition": section.condition, "field": str(self.fields[section.control].label).lower()})

    def _clean_death(self, data: dict) -> None:
        dead = data.get("vital_status") == VitalStatus.DEAD
        death = data.get("death_date")
        if dead and death is None and "death_date" not in self.errors:
            self.add_error("death_date", gettext("Enter the date of death."))
        if dead and not data.get("death_cause"):
            self.add_error("death_cause", gettext("Choose the cause of death."))
        if not dead or death is None or "death_date" in self.errors:
            return
        contact = data.get("contact_date")
        if contact is not None and death > contact:
            self.add_error("death_date", gettext("The death date cannot be after the contact date."))
            return
        last_alive = services.last_alive_date(self.participant, exclude_contact_pk=self.instance.pk)
        if last_alive is not None and death < last_alive:
            self.add_error(
                "death_date",
                gettext("The participant is recorded alive on %(date)s: the death date cannot be earlier.")
                % {"date": shown_date(last_alive)},
            )

    def _clean_relapse(self, data: dict) -> None:
        relapse = data.get("disease_status") == DiseaseStatus.RELAPSE
        if relapse and data.get("relapse_date") is None and "relapse_date" not in self.errors:
            self.add_error("relapse_date", gettext("Enter the date of the sample or exam documenting the relapse."))
        if relapse and not data.get("relapse_documented_by"):
            self.add_error("relapse_documented_by", gettext("Say how the relapse was documented."))
        contact, rdate = data.get("contact_date"), data.get("relapse_date")
        if relapse and contact and rdate and rdate > contact:
            self.add_error("relapse_date", gettext("The relapse date cannot be after the contact date."))


def _num(value) -> float | None:
    return None if value is None else float(value)


class LabImportForm(forms.Form):
    """The central lab's MRD results file (assessments.lab_import), read in memory and never stored."""

    results_file = forms.FileField(
        label=_("Results file"), help_text=_("CSV with a header row, or JSON (a list of objects); UTF-8.")
    )
    file_format = forms.ChoiceField(
        label=_("Format"), required=False,
        choices=(("", _("From the file name (.csv or .json)")), ("csv", "CSV"), ("json", "JSON")),
    )
    dry_run = forms.BooleanField(label=_("Check only (dry run): save nothing"), required=False, initial=True)

    def __init__(self, *args, too_large: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large  # the size limit in words, when the upload exceeded it
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.attrs = {"novalidate": "", "data-testid": "lab-import-form"}
        self.helper.add_input(Submit("import", gettext("Check and import")))

    def clean(self):
        data = super().clean()
        if self.too_large is not None:
            message = gettext("The file is larger than %(size)s: split it in smaller files.")
            self.add_error("results_file", message % {"size": self.too_large})
            return data
        upload = data.get("results_file")
        if upload is None:
            return data
        fmt = data.get("file_format") or upload.name.rsplit(".", 1)[-1].lower()
        if fmt not in ("csv", "json"):
            self.add_error(
                "file_format", gettext("Choose the format: the file name ends neither in .csv nor in .json.")
            )
        data["fmt"] = fmt
        data["data"] = upload.read()
        return data


class MatrixParams(forms.Form):
    """The status matrix's query string: a site among those the user sees, a cell state, a page."""

    state = params.choice(_("State"), list(STATE_LABELS.items()))
    page = params.page_number()

    def __init__(self, *args, sites: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"] = params.choice(gettext("Site"), [(str(pk), label) for pk, label in sites])

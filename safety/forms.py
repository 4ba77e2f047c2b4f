"""Safety forms: a message next to the field and nothing saved on bad input; rules come from safety.validation
(cross-field), safety.rules (ASTCT inputs) and enrollment.checks (before consent, in the future)."""

from __future__ import annotations

from itertools import groupby

from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.forms import not_enrolled_problem
from blinatrial.dates import shown_utc
from cycles.models import BlinatumomabSegment
from enrollment import checks
from enrollment import rules as enrollment_rules
from integrity.forms import ClinicalRecordForm
from safety import rules, services, validation
from safety.models import (
    CHEMISTRY_ANALYTES,
    CONMED_FLAGS,
    ICE_FIELDS,
    SERIOUSNESS_CRITERIA,
    STUDY_DRUGS,
    AdverseEvent,
    ChemistryPanel,
    ConcomitantMedication,
    CrsAssessment,
    CtcaeTerm,
    GradingScale,
    IcansAssessment,
    SaeFollowUpReport,
)
from safety.protocol import CYTOPENIA_TERMS, SAFETY_PROTOCOL

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
NOT_ENROLLED = _("Safety data can be recorded only for an enrolled participant")


class TermChoiceIterator(forms.models.ModelChoiceIterator):
    """The term list grouped by system organ class (one <optgroup> per SOC)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for soc, terms in groupby(self.queryset, key=lambda t: t.soc):
            yield (soc, [self.choice(t) for t in terms])


class TermField(forms.ModelChoiceField):
    iterator = TermChoiceIterator

    def label_from_instance(self, obj: CtcaeTerm) -> str:
        return gettext("%(soc)s: other, specify") % {"soc": obj.soc} if obj.is_other_specify else obj.term


def segment_label(segment: BlinatumomabSegment) -> str:
    """An infusion segment as the AE form lists it (the words of the segment's own text, translated)."""
    return gettext("%(pid)s C%(cycle)s blinatumomab %(rate)s µg/day from %(start)s") % {
        "pid": segment.cycle.participant,
        "cycle": segment.cycle.number,
        "rate": segment.rate_display,
        "start": shown_utc(segment.started_at),
    }


def _day(value):
    return timezone.localtime(value).date() if hasattr(value, "hour") else value


class SafetyRecordForm(ClinicalRecordForm):
    """Base of the safety forms: the participant comes from the URL; each date of `date_fields` is checked
    against consent and today, each of `future_fields` against today only."""

    date_fields: tuple[str, ...] = ()
    future_fields: tuple[str, ...] = ()
    datetime_fields: tuple[str, ...] = ()

    def __init__(self, *args, participant, **kwargs):
        self.participant = participant
        super().__init__(*args, **kwargs)
        if hasattr(self.instance, "participant_id"):
            self.instance.participant = participant
        for name in self.datetime_fields:
            self.fields[name].input_formats = DATETIME_FORMATS
        self.helper.render_unmentioned_fields = True

    def clean(self):
        data = super().clean()
        if (problem := not_enrolled_problem(self.participant)) is not None:
            raise forms.ValidationError(
                gettext("%(refusal)s: %(problem)s") % {"refusal": NOT_ENROLLED, "problem": problem}
            )
        consent_on = checks.consent_date(self.participant) if self.date_fields else None
        today = timezone.localdate()
        for name in (*self.date_fields, *self.future_fields):
            if data.get(name) is None or name in self.errors:
                continue
            label = self.fields[name].label or name
            if name in self.date_fields:
                day = _day(data[name])
                problems = checks.clinical_date_problems(self.participant, day, label, consent_on=consent_on)
            else:
                problems = [p for p in [enrollment_rules.future_date_problem(_day(data[name]), today, label)] if p]
            for problem in problems:
                self.add_error(name, problem)
        return data

    def add_problems(self, problems: dict[str, str]) -> None:
        for name, message in problems.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
            elif name not in self.fields:
                self.add_error(None, message)


# --- Adverse event ----------------------------------------------------------------------------------------

CRITERIA = [name for name, _ in SERIOUSNESS_CRITERIA]
RELATIONSHIPS = [f"relationship_{key}" for key, _ in STUDY_DRUGS] + ["relationship_disease"]
ACTIONS = [f"action_{key}" for key, _ in STUDY_DRUGS]


class AdverseEventForm(SafetyRecordForm):
    date_fields = ("onset_date", "resolution_date", "aware_at")
    future_fields = ("sae_initial_report_at",)
    datetime_fields = ("aware_at", "sae_initial_report_at")

    class Meta:
        model = AdverseEvent
        fields = [
            "term",
            "verbatim_term",
            "onset_date",
            "resolution_date",
            "ongoing",
            "worst_grade",
            "outcome",
            "serious",
            *CRITERIA,
            "aware_at",
            "sae_initial_report_at",
            *RELATIONSHIPS,
            *ACTIONS,
            "blinatumomab_segment",
            "treatment_given",
        ]
        widgets = {
            "onset_date": DATE,
            "resolution_date": DATE,
            "aware_at": DATETIME,
            "sae_initial_report_at": DATETIME,
            "treatment_given": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"term": TermField}
        labels = {"outcome": _("Outcome")}

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, participant=participant, **kwargs)
        self.fields["term"].queryset = CtcaeTerm.objects.order_by("soc", "is_other_specify", "term")
        self.fields["blinatumomab_segment"].queryset = (
            BlinatumomabSegment.objects.live()
            .filter(cycle__participant=participant, cycle__is_deleted=False)
            .select_related("cycle__participant")
        )
        self.fields["blinatumomab_segment"].label_from_instance = segment_label
        self.helper.layout = Layout(
            Fieldset(
                _("Event"),
                "term",
                "verbatim_term",
                Div("onset_date", "resolution_date", "ongoing"),
                "worst_grade",
                "outcome",
            ),
            Fieldset(_("Seriousness"), "serious", *CRITERIA, "aware_at", "sae_initial_report_at"),
            Fieldset(_("Relationship (causality)"), *RELATIONSHIPS),
            Fieldset(_("Action taken"), *ACTIONS, "blinatumomab_segment"),
            Fieldset(_("Treatment"), "treatment_given"),
        )

    def clean(self):
        data = super().clean()
        term: CtcaeTerm | None = data.get("term")
        if term is None:
            return data
        entry = validation.AeEntry(
            term=term.term,
            allowed_grades=term.allowed_grades,
            is_other_specify=term.is_other_specify,
            verbatim_term=data.get("verbatim_term") or "",
            onset=data.get("onset_date"),
            resolution=data.get("resolution_date"),
            ongoing=bool(data.get("ongoing")),
            grade=data.get("worst_grade"),
            outcome=data.get("outcome") or "",
            serious=bool(data.get("serious")),
            criteria=[name for name in CRITERIA if data.get(name)],
            aware_at=data.get("aware_at"),
            initial_report_at=data.get("sae_initial_report_at"),
            blinatumomab_action=data.get("action_blinatumomab") or "",
            segment_linked=data.get("blinatumomab_segment") is not None,
            unreported_cytopenia=term.code in CYTOPENIA_TERMS and not SAFETY_PROTOCOL.report_expected_cytopenias,
        )
        self.add_problems(validation.ae_problems(entry))
        segment = data.get("blinatumomab_segment")
        onset = data.get("onset_date")
        linked = segment is not None and onset is not None and "blinatumomab_segment" not in self.errors
        if linked and (segment.stopped_at is None or _day(segment.stopped_at) < onset):
            self.add_error("blinatumomab_segment", gettext("Choose the segment that stopped on or after the onset."))
        astct = term.code in SAFETY_PROTOCOL.astct_terms
        self.instance.grading_scale = GradingScale.ASTCT_2019 if astct else GradingScale.CTCAE_5
        return data

    def save(self, commit: bool = True):
        if self.instance._state.adding and not self.instance.reference:
            self.instance.reference = services.next_ae_reference(self.participant)
        ae = super().save(commit=commit)
        if commit:
            services.after_ae_saved(ae)  # a serious AE: its notification row, the entry notice after commit
        return ae


class SaeFollowUpForm(SafetyRecordForm):
    future_fields = ("sent_at",)
    datetime_fields = ("sent_at",)

    class Meta:
        model = SaeFollowUpReport
        fields = ["sent_at", "summary"]
        widgets = {"sent_at": DATETIME, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, adverse_event: AdverseEvent, **kwargs):
        self.adverse_event = adverse_event
        super().__init__(*args, participant=adverse_event.participant, **kwargs)
        self.instance.adverse_event = adverse_event

    def clean(self):
        data = super().clean()
        ae = self.adverse_event
        if not ae.serious:
            raise forms.ValidationError(gettext("Follow-up reports belong to a serious adverse event."))
        sent = data.get("sent_at")
        if sent is not None and ae.sae_initial_report_at is None:
            self.add_error("sent_at", gettext("Record the initial SAE report on the adverse event first."))
        elif sent is not None and sent < ae.sae_initial_report_at:
            self.add_error("sent_at", gettext("A follow-up report is sent after the initial report."))
        return data


# --- CRS and ICANS sheets ------------------------------------------------------------------------------------


class AeSheetForm(SafetyRecordForm):
    """A sheet under one adverse event: dated within the event, only under an event of the right kind."""

    date_fields = ("assessed_at",)
    datetime_fields = ("assessed_at",)
    sheet_group = ""
    sheet_name = ""

    def __init__(self, *args, adverse_event: AdverseEvent, **kwargs):
        self.adverse_event = adverse_event
        super().__init__(*args, participant=adverse_event.participant, **kwargs)
        self.instance.adverse_event = adverse_event

    def clean(self):
        data = super().clean()
        ae = self.adverse_event
        if self.sheet_group not in services.ae_groups(ae):
            raise forms.ValidationError(
                gettext("%(sheet)s assessments are recorded under a %(group)s adverse event; this one is %(term)s.")
                % {
                    "sheet": self.sheet_name,
                    "group": gettext(rules.AESI_LABELS[self.sheet_group]).lower(),
                    "term": ae.display_term,
                }
            )
        at = data.get("assessed_at")
        if at is not None and "assessed_at" not in self.errors:
            problem = validation.within_event_problem(
                _day(at), ae.onset_date, ae.resolution_date, gettext("assessment")
            )
            if problem:
                self.add_error("assessed_at", problem)
        return data


class CrsAssessmentForm(AeSheetForm):
    sheet_group = SAFETY_PROTOCOL.crs_sheet_group
    sheet_name = "CRS"

    class Meta:
        model = CrsAssessment
        fields = [
            "assessed_at",
            "max_temp_c",
            "fever_masked",
            "hypotension",
            "vasopressors_excl_vasopressin",
            "vasopressin",
            "o2_device",
            "o2_flow_l_min",
            "tocilizumab_given",
            "corticosteroids_given",
            "died_of_crs",
        ]
        widgets = {"assessed_at": DATETIME}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.add_problems(rules.crs_problems(services.crs_observation(data)))
        return data


class IcansAssessmentForm(AeSheetForm):
    sheet_group = SAFETY_PROTOCOL.icans_sheet_group
    sheet_name = "ICANS"

    class Meta:
        model = IcansAssessment
        fields = [
            "assessed_at",
            *[name for name, _, _ in ICE_FIELDS],
            "unable_to_perform_ice",
            "consciousness",
            "seizure",
            "deep_focal_motor_weakness",
            "icp",
            "died_of_icans",
        ]
        widgets = {"assessed_at": DATETIME}
        labels = {"seizure": _("Seizure")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "assessed_at",
            Fieldset(_("ICE score (1 point each)"), *[name for name, _, _ in ICE_FIELDS], "unable_to_perform_ice"),
            Fieldset(
                _("Other domains"), "consciousness", "seizure", "deep_focal_motor_weakness", "icp", "died_of_icans"
            ),
        )

    def clean(self):
        data = super().clean()
        items = {code: data.get(f"ice_{code}") for code, _, _ in rules.ICE_ITEMS}
        out_of_range = any(
            v is not None and not 0 <= v <= points for (_, _, points), v in zip(ICE_FIELDS, items.values(), strict=True)
        )
        if out_of_range or any(name in self.errors for name, _, _ in ICE_FIELDS):
            return data  # the field's own validator says which item (model validation, after clean)
        unable = bool(data.get("unable_to_perform_ice"))
        if problem := validation.ice_entry_problem(items, unable):
            self.add_error(ICE_FIELDS[0][0], problem)
            return data
        problems = rules.icans_problems(services.icans_observation(data))
        if "ice_score" in problems:
            problems[ICE_FIELDS[0][0]] = problems.pop("ice_score")
        self.add_problems(problems)
        return data


# --- Chemistry and concomitant medications ------------------------------------------------------------------


class ChemistryForm(SafetyRecordForm):
    date_fields = ("sample_date",)

    class Meta:
        model = ChemistryPanel
        fields = ["sample_date", *CHEMISTRY_ANALYTES]
        widgets = {"sample_date": DATE}

    def clean(self):
        data = super().clean()
        if not self.errors and all(data.get(name) is None for name in CHEMISTRY_ANALYTES):
            self.add_error(None, gettext("Enter at least one result."))
        return data


class ConcomitantMedicationForm(SafetyRecordForm):
    future_fields = ("start_date", "stop_date")

    class Meta:
        model = ConcomitantMedication
        fields = [
            "drug_name",
            "indication",
            "adverse_event",
            "dose",
            "dose_unit",
            "route",
            "frequency",
            "start_date",
            "stop_date",
            "ongoing",
            *[name for name, _ in CONMED_FLAGS],
        ]
        widgets = {"start_date": DATE, "stop_date": DATE}
        labels = {"route": _("Route"), "frequency": _("Frequency")}

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, participant=participant, **kwargs)
        self.fields["adverse_event"].queryset = (
            AdverseEvent.objects.live().filter(participant=participant).select_related("term", "participant")
        )
        self.helper.layout = Layout(
            "drug_name",
            "indication",
            "adverse_event",
            Div("dose", "dose_unit"),
            "route",
            "frequency",
            Div("start_date", "stop_date", "ongoing"),
            Fieldset(_("Category"), *[name for name, _flag in CONMED_FLAGS]),
        )

    def clean(self):
        data = super().clean()
        dose = data.get("dose")
        entry = validation.MedicationEntry(
            start=data.get("start_date"),
            stop=data.get("stop_date"),
            ongoing=bool(data.get("ongoing")),
            indication=data.get("indication") or "",
            treats_an_ae=data.get("adverse_event") is not None,
            dose=None if dose is None else float(dose),
            dose_unit=data.get("dose_unit") or "",
        )
        self.add_problems(validation.medication_problems(entry))
        return data

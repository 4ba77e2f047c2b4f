"""Treatment forms: each delegates protocol rules to cycles.rules and dates to enrollment.checks."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blinatrial.dates import shown_date, shown_datetime
from cycles import rules, services
from cycles.models import (
    Administration,
    AdministrationStatus,
    BlinatumomabSegment,
    Cycle,
    CycleStatus,
    Transplant,
    VisitRecord,
)
from cycles.regimen import REGIMEN
from cycles.shown import shown
from enrollment import rules as enrollment_rules
from enrollment.checks import clinical_date_problems, enrolled_problem, trial_dates
from integrity import services as integrity_services
from integrity.audit_context import own_context
from integrity.forms import ClinicalRecordForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _ParticipantDatesMixin:
    """Checks each named date field against the trial's order and today: screening <= consent <= enrollment
    <= C1D1 <= every clinical date. `not_before` names the latest trial date the form's dates must not precede
    ("enrolled_on" for a cycle start, a dose or a segment, which themselves make C1D1; "c1d1" for the rest)."""

    date_fields: tuple[str, ...] = ()
    not_before = "c1d1"
    dates_cache: dict | None = None  # shared by the rows of a grid: the participant's dates read once

    def check_dates(self, participant, data: dict) -> None:
        dates = (self.dates_cache or {}).get("dates")
        for name in self.date_fields:
            value = data.get(name)
            if value is None:
                continue
            if dates is None:
                c1d1 = services.c1d1_anchor(participant.pk) if self.not_before == "c1d1" else None
                dates = trial_dates(participant, c1d1=c1d1)
                if self.dates_cache is not None:
                    self.dates_cache["dates"] = dates
            day = timezone.localtime(value).date() if hasattr(value, "hour") else value
            label = self.fields[name].label or name
            for problem in clinical_date_problems(participant, day, label, dates=dates, not_before=self.not_before):
                self.add_error(name, problem)


class CycleStartForm(_ParticipantDatesMixin, ClinicalRecordForm):
    submit_label = _("Start cycle")
    date_fields = ("day1_on",)
    not_before = "enrolled_on"

    class Meta:
        model = Cycle
        fields = ["day1_on", "weight_kg", "delay_reason"]
        widgets = {"day1_on": DATE}
        labels = {"delay_reason": _("Delay reason")}

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.next = services.next_cycle(participant)
        self.instance.participant = participant
        self.instance.number = self.next.number
        self.fields["weight_kg"].initial = participant.weight_kg
        if self.next.earliest_on:
            self.fields["day1_on"].help_text = gettext(
                "Earliest %(earliest)s; scheduled %(scheduled)s; after %(latest)s the start is late and needs a "
                "reason."
            ) % {
                "earliest": shown_date(self.next.earliest_on),
                "scheduled": shown_date(self.next.planned_day1_on),
                "latest": shown_date(self.next.latest_on_time_on),
            }

    def clean(self):
        data = super().clean()
        if problem := enrolled_problem(self.participant):
            raise forms.ValidationError(problem)
        if self.participant.status in (enrollment_rules.OFF_STUDY, enrollment_rules.FOLLOW_UP):
            raise forms.ValidationError(
                gettext("The participant is %(status)s: no new cycle can start.")
                % {"status": self.participant.get_status_display().lower()}
            )
        self.check_dates(self.participant, data)
        prev = self.next.previous
        problems = rules.cycle_start_problems(
            self.next.number,
            data.get("day1_on"),
            prev.day1_on if prev else None,
            prev.length_days if prev else None,
            data.get("delay_reason") or "",
        )
        for name, problem in problems.items():
            self.add_error(None if name == "__all__" else name, shown(problem))
        weight = data.get("weight_kg")
        if weight is not None and not self.errors:
            self.instance.planned_day1_on = self.next.planned_day1_on or data["day1_on"]
            self.instance.height_cm = self.participant.height_cm
            self.instance.bsa_m2 = Decimal(str(rules.bsa_mosteller(self.participant.height_cm, weight)))
        return data

    def save(self, commit: bool = True):
        # save_record runs this inside its transaction: the cycle and its plan are written together.
        cycle = super().save(commit=commit)
        if commit:
            services.create_planned_administrations(cycle=cycle, user=cycle.created_by)
        return cycle


class CycleEditForm(_ParticipantDatesMixin, ClinicalRecordForm):
    """Status (completed / stopped early with reason) and the delay reason of a started cycle."""

    class Meta:
        model = Cycle
        fields = ["status", "status_reason", "delay_reason"]
        labels = {"status": _("Status"), "status_reason": _("Status reason"), "delay_reason": _("Delay reason")}

    def clean(self):
        data = super().clean()
        if data.get("status") == CycleStatus.STOPPED_EARLY and not (data.get("status_reason") or "").strip():
            self.add_error("status_reason", gettext("Give the reason the cycle stopped early."))
        return data


class AdministrationForm(_ParticipantDatesMixin, ClinicalRecordForm):
    """Records what was given for a planned administration. The first recording is not a 'change'."""

    date_fields = ("given_on",)
    not_before = "enrolled_on"

    class Meta:
        model = Administration
        fields = ["status", "given_on", "actual_dose_mg", "route", "reason"]
        widgets = {"given_on": DATE}
        labels = {"status": _("Status"), "route": _("Route"), "reason": _("Reason")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_recording = self.instance.status == AdministrationStatus.PLANNED
        if self.first_recording and "change_reason" in self.fields:
            del self.fields["change_reason"]
            del self.fields["change_reason_detail"]
        self.fields["status"].choices = [
            c for c in AdministrationStatus.choices if c[0] != AdministrationStatus.PLANNED
        ]
        self.fields["status"].error_messages["required"] = _("Choose what happened to this dose.")
        if self.first_recording:
            # Nothing is proposed as given (issue 17): the user chooses what happened, and types the date and
            # the dose; the plan is shown beside the fields, not put into them.
            self.initial.update(status="", given_on=None, actual_dose_mg=None)
            self.fields["status"].choices = [("", gettext("— choose —")), *self.fields["status"].choices]
            planned = self.instance.planned_on
            self.fields["given_on"].help_text = gettext("Planned for %(date)s.") % {"date": shown_date(planned)}
        drug = self.instance.cycle.regimen.drug(self.instance.drug_code) if self.instance.cycle_id else None
        self.cap_mg = drug.cap_mg if drug else None
        values = {"planned": self.instance.planned_dose_mg, "cap": f"{self.cap_mg:g}" if self.cap_mg else ""}
        self.fields["actual_dose_mg"].help_text = (
            gettext("mg; planned %(planned)s mg, protocol cap %(cap)s mg") if self.cap_mg
            else gettext("mg; planned %(planned)s mg")
        ) % values

    @property
    def reason(self) -> str:
        return services.ADMINISTRATION_RECORDED if self.first_recording else super().reason

    def clean(self):
        data = super().clean()
        cycle = self.instance.cycle
        self.check_dates(cycle.participant, data)
        status, given_on, dose = data.get("status"), data.get("given_on"), data.get("actual_dose_mg")
        reason = (data.get("reason") or "").strip()
        if status in (AdministrationStatus.GIVEN, AdministrationStatus.REDUCED):
            if given_on is None:
                self.add_error("given_on", gettext("Give the date the dose was given."))
            if dose is None:
                self.add_error("actual_dose_mg", gettext("Give the dose actually given (mg)."))
        elif status in (AdministrationStatus.HELD, AdministrationStatus.OMITTED):
            if not reason:
                self.add_error("reason", gettext("Give the reason the dose was held or omitted."))
            if dose:
                self.add_error("actual_dose_mg", gettext("A held or omitted dose has no dose given."))
        if problem := rules.cycle_days_problem(given_on, cycle.day1_on, cycle.length_days):
            self.add_error("given_on", shown(problem))
        if problem := rules.cap_problem(dose, self.cap_mg):
            self.add_error("actual_dose_mg", shown(problem))
        elif dose is not None and rules.deviation_needs_reason(self.instance.planned_dose_mg, dose) and not reason:
            pct = rules.dose_deviation_pct(self.instance.planned_dose_mg, dose)
            self.add_error(
                "reason",
                gettext("The dose deviates %(pct)s %% from planned (more than ±%(limit)s %%): give the reason.")
                % {"pct": f"{pct:+g}", "limit": f"{REGIMEN.dose_deviation_threshold_pct:g}"},
            )
        return data

    def save(self, commit: bool = True):
        adm = super().save(commit=commit)
        if commit and self.first_recording and adm.status in services.GIVEN_STATUSES:
            # in a context of its own: the status change's reason must not overwrite the dose's audit reason
            with own_context(user=adm.updated_by.pk):
                services.mark_on_treatment_if_first_dose(participant=adm.cycle.participant, user=adm.updated_by)
        return adm


class DoseGridForm(AdministrationForm):
    """One row of a cycle day's dose grid: nothing is proposed, the user chooses what happened to the dose.

    An untouched row is not validated and not saved (the formset builds every row with `empty_permitted`).
    """

    class Meta(AdministrationForm.Meta):
        fields = ["status", "given_on", "actual_dose_mg", "reason"]

    def __init__(self, *args, dates_cache: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dates_cache = dates_cache
        self.fields["given_on"].help_text = ""
        self.fields["actual_dose_mg"].help_text = ""
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")

    def mark_invalid(self) -> None:
        """Bootstrap's red border on each field with an error (the messages print under it)."""
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class DoseGridFormSet(forms.BaseFormSet):
    """The planned doses of one cycle day, a DoseGridForm each (rows fixed by the server, never by posted ids)."""

    def __init__(self, *args, rows: list[Administration], **kwargs):
        self.rows = rows
        self.dates_cache: dict = {}
        super().__init__(*args, **kwargs)

    def total_form_count(self) -> int:
        return len(self.rows)

    def initial_form_count(self) -> int:
        return len(self.rows)

    def add_prefix(self, index) -> str:
        # each row's inputs are named after its administration: a posted row can only ever be that dose
        key = self.rows[index].pk if isinstance(index, int) else index
        return f"{self.prefix}-{key}"

    def get_form_kwargs(self, index):
        return {"instance": self.rows[index], "dates_cache": self.dates_cache, "empty_permitted": True}

    def changed_forms(self) -> list[DoseGridForm]:
        return [form for form in self.forms if form.has_changed()]

    def clean(self):
        if not self.changed_forms():
            raise ValidationError(gettext("Nothing to save: choose what happened to at least one dose."))

    def mark_invalid(self) -> None:
        for form in self.forms:
            form.mark_invalid()

    def save_changed(self, *, user) -> list[Administration]:
        """Each changed row through integrity's save_record (its own audit event and reason), all in one
        transaction: a refused row (a lock, someone else's edit) raises and nothing is saved."""
        saved = []
        with transaction.atomic():
            for form in self.changed_forms():
                try:
                    saved.append(
                        integrity_services.save_record(
                            form, user=user, reason=form.reason, expected_version=form.cleaned_data.get("row_version")
                        )
                    )
                except (integrity_services.RecordLocked, integrity_services.EditConflict) as exc:
                    form.add_error(None, str(exc))
                    raise
        return saved


DoseGrid = forms.formset_factory(DoseGridForm, formset=DoseGridFormSet, extra=0)


class SegmentForm(_ParticipantDatesMixin, ClinicalRecordForm):
    date_fields = ("started_at", "stopped_at", "premedication_at")
    not_before = "enrolled_on"

    class Meta:
        model = BlinatumomabSegment
        fields = [
            "started_at",
            "stopped_at",
            "rate_mcg_per_day",
            "stop_reason",
            "stop_reason_detail",
            "premedication_at",
        ]
        widgets = {"started_at": DATETIME, "stopped_at": DATETIME, "premedication_at": DATETIME}
        labels = {"stop_reason": _("Stop reason"), "stop_reason_detail": _("Stop reason detail")}

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.instance.cycle = cycle
        for name in self.date_fields:
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def clean(self):
        data = super().clean()
        self.check_dates(self.cycle.participant, data)
        start, stop = data.get("started_at"), data.get("stopped_at")
        if problem := rules.segment_order_problem(start, stop):
            self.add_error("stopped_at", shown(problem))
        if problem := rules.rate_problem(float(data["rate_mcg_per_day"]) if data.get("rate_mcg_per_day") else None):
            self.add_error("rate_mcg_per_day", shown(problem))
        if stop is not None and not data.get("stop_reason"):
            self.add_error("stop_reason", gettext("Give the reason the segment stopped."))
        self._check_inside_cycle(start, stop)
        if start is not None and not self.errors:
            others = (
                BlinatumomabSegment.objects.live()
                .filter(cycle__participant_id=self.cycle.participant_id, cycle__is_deleted=False)
                .exclude(pk=self.instance.pk)
            )
            clash = rules.overlapping_segments(
                start, stop, [rules.Segment(o.started_at, o.stopped_at, float(o.rate_mcg_per_day)) for o in others]
            )
            if clash:
                c = clash[0]
                zone = timezone.get_current_timezone_name()  # the site's (integrity.recording)
                until = shown_datetime(timezone.localtime(c.stop), zone) if c.stop else gettext("still running")
                start_text = shown_datetime(timezone.localtime(c.start), zone)
                self.add_error(
                    "started_at",
                    gettext("Overlaps the segment %(start)s – %(until)s.") % {"start": start_text, "until": until},
                )
        return data

    def _check_inside_cycle(self, start, stop) -> None:
        """From the cycle's day 1 to its bound: the next cycle's day 1, else day 28 + the longest allowed break."""
        if start is None and stop is None:
            return
        cycle = self.cycle
        bound = {
            "number": cycle.number,
            "day1": cycle.day1_on,
            "length_days": cycle.length_days,
            "next_day1": services.next_day1(cycle),
        }
        for name, value in (("started_at", start), ("stopped_at", stop)):
            if value is None:
                continue
            day = timezone.localtime(value).date()
            args = (day, None) if name == "started_at" else (None, day)
            if problem := rules.segment_cycle_problem(*args, **bound):
                self.add_error(name, shown(problem))

    def save(self, commit: bool = True):
        seg = super().save(commit=commit)
        if commit and self.instance.row_version == 1:
            services.mark_on_treatment_if_first_dose(participant=self.cycle.participant, user=seg.updated_by)
        return seg


class TransplantForm(_ParticipantDatesMixin, ClinicalRecordForm):
    date_fields = ("transplanted_on",)

    class Meta:
        model = Transplant
        fields = ["transplanted_on", "donor_type", "conditioning_intensity", "conditioning_regimen", "notes"]
        widgets = {"transplanted_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "donor_type": _("Donor type"),
            "conditioning_intensity": _("Conditioning intensity"),
            "conditioning_regimen": _("Conditioning regimen"),
            "notes": _("Notes"),
        }

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.instance.participant = participant

    def clean(self):
        data = super().clean()
        self.check_dates(self.participant, data)
        return data


class VisitRecordForm(_ParticipantDatesMixin, ClinicalRecordForm):
    date_fields = ("visited_on",)

    class Meta:
        model = VisitRecord
        fields = ["visited_on", "missed_reason"]
        widgets = {"visited_on": DATE}
        labels = {"missed_reason": _("Missed reason")}

    def __init__(self, *args, cycle: Cycle, visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle, self.visit = cycle, visit
        self.instance.cycle = cycle
        self.instance.visit_code = visit.code

    def clean(self):
        data = super().clean()
        self.check_dates(self.cycle.participant, data)
        on, missed = data.get("visited_on"), (data.get("missed_reason") or "").strip()
        if on is None and not missed and "visited_on" not in self.errors:
            self.add_error("visited_on", gettext("Give the visit date, or the reason it was missed."))
        if on is not None and missed:
            self.add_error("missed_reason", gettext("A visit with a date was not missed: leave this empty."))
        return data

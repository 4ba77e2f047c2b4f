"""Treatment cycles, drug administrations, blinatumomab infusion segments, visits and transplant."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blinatrial.access import SiteScopedQuerySet
from blinatrial.dates import shown_utc
from cycles.regimen import REGIMEN
from cycles.rules import dose_deviation_pct, rate_text
from integrity.models import ClinicalRecord, clinical_record


class CycleStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    STOPPED_EARLY = "stopped_early", _("Stopped early")


@clinical_record
class Cycle(ClinicalRecord):
    site_lookup = "participant__site"
    participant_lookup = "participant"
    cycle_lookup = "number"
    alive_dates = {"day1_on": None}  # dates that prove the participant alive (enrollment.alive)
    alive_label = "cycle starts"
    field_units = {"height_cm": "cm", "weight_kg": "kg", "bsa_m2": "m2"}

    participant = models.ForeignKey(
        "enrollment.Participant", verbose_name=_("participant"),
        on_delete=models.PROTECT, related_name="cycles"
    )
    number = models.PositiveSmallIntegerField(_("cycle number"), editable=False)
    day1_on = models.DateField(_("Day 1 (actual start)"), help_text=_("The date the cycle actually started."))
    planned_day1_on = models.DateField(
        _("Planned day 1"),
        editable=False,
        help_text=_("Previous cycle's day 1 + cycle length (cycle 1: the actual start)."),
    )
    delay_reason = models.CharField(max_length=300, blank=True, help_text=_("Required when the start is late."))
    height_cm = models.DecimalField(_("height (cm)"), max_digits=5, decimal_places=1, editable=False)
    weight_kg = models.DecimalField(
        _("Weight at cycle start (kg)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(25), MaxValueValidator(300)],
        help_text=_("kg; the BSA of the cycle's doses is computed from it."),
    )
    bsa_m2 = models.DecimalField(_("BSA (m²)"), max_digits=4, decimal_places=2, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=CycleStatus.choices, default=CycleStatus.ONGOING)
    status_reason = models.CharField(max_length=300, blank=True, help_text=_("Required when stopped early."))

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("cycle")
        ordering = ["participant_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "number"], name="cycle_number_unique_per_participant")
        ]

    def __str__(self) -> str:
        return f"{self.participant} C{self.number}"

    @property
    def regimen(self):
        return REGIMEN.cycle(self.number)

    @property
    def length_days(self) -> int:
        return self.regimen.length_days if self.regimen else 28


class AdministrationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    GIVEN = "given", _("Given")
    REDUCED = "reduced", _("Given, reduced")
    HELD = "held", _("Held")
    OMITTED = "omitted", _("Omitted")


class Route(models.TextChoices):
    IV = "IV", _("Intravenous")
    PO = "PO", _("Oral")
    SC = "SC", _("Subcutaneous")


@clinical_record
class Administration(ClinicalRecord):
    """One planned dose of a discrete-dose drug and what was actually given (EX)."""

    site_lookup = "cycle__participant__site"
    participant_lookup = "cycle__participant"
    cycle_lookup = "cycle__number"
    alive_dates = {"given_on": models.Q(status__in=("given", "reduced"))}
    alive_label = "doses"
    field_units = {
        "cycle_day": "day of cycle",
        "protocol_dose": "protocol_dose_unit (mg/m2 or mg)",
        "planned_dose_mg": "mg",
        "actual_dose_mg": "mg",
    }

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="administrations")
    drug_code = models.CharField(_("drug"), max_length=8, editable=False)
    cycle_day = models.PositiveSmallIntegerField(_("cycle day"), editable=False)
    planned_on = models.DateField(_("planned on"), editable=False)
    protocol_dose = models.DecimalField(_("protocol dose"), max_digits=7, decimal_places=2, editable=False)
    protocol_dose_unit = models.CharField(_("protocol dose unit"), max_length=10, editable=False)
    planned_dose_mg = models.DecimalField(_("planned dose (mg)"), max_digits=7, decimal_places=2, editable=False)
    given_on = models.DateField(_("Date given"), null=True, blank=True)
    actual_dose_mg = models.DecimalField(
        _("Actual dose (mg)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("mg actually given."),
    )
    route = models.CharField(max_length=2, choices=Route.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=AdministrationStatus.choices, default=AdministrationStatus.PLANNED
    )
    reason = models.CharField(
        _("reason"),
        max_length=300, blank=True, help_text=_("Required when held, omitted, or the dose deviates by more than 10 %.")
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("administration")
        ordering = ["cycle_id", "planned_on", "drug_code"]

    def __str__(self) -> str:
        return f"{self.cycle} {self.drug_code} day {self.cycle_day}"

    def shown_title(self) -> str:
        return gettext("%(cycle)s %(drug)s day %(day)s") % {
            "cycle": self.cycle, "drug": self.drug_name, "day": self.cycle_day
        }

    @property
    def drug_name(self) -> str:
        """The drug's name in the reader's language (exports read REGIMEN.drug_names(), in English)."""
        name = REGIMEN.drug_names().get(self.drug_code)
        return gettext(name) if name else self.drug_code

    @property
    def deviation_pct(self) -> float | None:
        if self.actual_dose_mg is None:
            return None
        return dose_deviation_pct(self.planned_dose_mg, self.actual_dose_mg)


class SegmentStopReason(models.TextChoices):
    BAG_CHANGE = "bag_change", _("Bag change")
    ADVERSE_EVENT = "adverse_event", _("Adverse event")
    END_OF_CYCLE = "end_of_cycle", _("End of cycle")
    OTHER = "other", _("Other")


@clinical_record
class BlinatumomabSegment(ClinicalRecord):
    """One constant-rate interval of the continuous blinatumomab infusion (EX, one record per interval)."""

    field_units = {"rate_mcg_per_day": "ug/day"}
    site_lookup = "cycle__participant__site"
    participant_lookup = "cycle__participant"
    cycle_lookup = "cycle__number"
    alive_dates = {"started_at": None, "stopped_at": None}
    alive_label = "blinatumomab infusion starts and stops"

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="segments")
    started_at = models.DateTimeField(_("Start (UTC)"))
    stopped_at = models.DateTimeField(_("Stop (UTC)"), null=True, blank=True, help_text=_("Leave empty while running."))
    rate_mcg_per_day = models.DecimalField(  # 2 decimals: a per-m2 dose below 45 kg, e.g. 5 x 1.29 = 6.45
        _("Rate (µg/day)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0.01)], help_text=_("µg/day")
    )
    stop_reason = models.CharField(max_length=16, choices=SegmentStopReason.choices, blank=True)
    stop_reason_detail = models.CharField(max_length=300, blank=True)
    premedication_at = models.DateTimeField(
        _("Dexamethasone premedication (UTC)"),
        null=True,
        blank=True,
        help_text=_("When the 20 mg IV premedication was given (before a start, step-up or restart)."),
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("blinatumomab segment")
        ordering = ["cycle_id", "started_at"]

    def __str__(self) -> str:
        return f"{self.cycle} blinatumomab {self.rate_display} µg/day from {shown_utc(self.started_at)}"

    def shown_title(self) -> str:
        return gettext("%(cycle)s blinatumomab %(rate)s µg/day from %(start)s") % {
            "cycle": self.cycle, "rate": self.rate_display, "start": shown_utc(self.started_at)
        }

    @property
    def rate_display(self) -> str:
        return rate_text(self.rate_mcg_per_day)


@clinical_record
class VisitRecord(ClinicalRecord):
    """A scheduled visit of a cycle marked done (with its date) or missed (with a reason)."""

    site_lookup = "cycle__participant__site"
    participant_lookup = "cycle__participant"
    cycle_lookup = "cycle__number"
    alive_dates = {"visited_on": None}
    alive_label = "visits"

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="visit_records")
    visit_code = models.CharField(_("visit"), max_length=8, editable=False)
    visited_on = models.DateField(_("Visit date"), null=True, blank=True)
    missed_reason = models.CharField(max_length=300, blank=True, help_text=_("Fill in instead of the date if missed."))

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("visit record")
        ordering = ["cycle_id", "visit_code"]
        constraints = [models.UniqueConstraint(fields=["cycle", "visit_code"], name="visit_record_unique_per_cycle")]

    def __str__(self) -> str:
        return f"{self.cycle} {self.visit_code}"


class DonorType(models.TextChoices):
    MATCHED_SIBLING = "matched_sibling", _("Matched sibling")
    MATCHED_UNRELATED = "matched_unrelated", _("Matched unrelated")
    MISMATCHED_UNRELATED = "mismatched_unrelated", _("Mismatched unrelated")
    HAPLOIDENTICAL = "haploidentical", _("Haploidentical")
    CORD_BLOOD = "cord_blood", _("Cord blood")
    AUTOLOGOUS = "autologous", _("Autologous")


class ConditioningIntensity(models.TextChoices):
    MYELOABLATIVE = "MAC", _("Myeloablative (MAC)")
    REDUCED = "RIC", _("Reduced intensity (RIC)")
    NON_MYELOABLATIVE = "NMA", _("Non-myeloablative")


@clinical_record
class Transplant(ClinicalRecord):
    """Consolidation HSCT (PR): it feeds the survival analyses and does not change cycle data."""

    site_lookup = "participant__site"
    participant_lookup = "participant"
    alive_dates = {"transplanted_on": None}
    alive_label = "transplants"

    participant = models.ForeignKey(
        "enrollment.Participant", verbose_name=_("participant"),
        on_delete=models.PROTECT, related_name="transplants"
    )
    transplanted_on = models.DateField(_("Transplant date (day 0)"))
    donor_type = models.CharField(max_length=24, choices=DonorType.choices)
    conditioning_intensity = models.CharField(max_length=3, choices=ConditioningIntensity.choices)
    conditioning_regimen = models.CharField(max_length=200, help_text=_("e.g. TBI 12 Gy + cyclophosphamide"))
    notes = models.TextField(blank=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("transplant")
        ordering = ["participant_id", "transplanted_on"]

    def __str__(self) -> str:
        return f"{self.participant} HSCT {self.transplanted_on}"

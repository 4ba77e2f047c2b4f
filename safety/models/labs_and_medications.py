"""Clinical chemistry and concomitant medications (repeating, per participant)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blinatrial.access import SiteScopedQuerySet
from integrity.models import ClinicalRecord, clinical_record
from safety.models.adverse_events import AdverseEvent

# --- Clinical chemistry ---------------------------------------------------------------------------------------

# Field -> (label, unit, plausible entry range). The normal ranges (LLN/ULN) are protocol settings in safety.rules.
CHEMISTRY_ANALYTES = {
    "potassium_mmol_per_l": (_("Potassium"), "mmol/L", (0, 15)),
    "phosphate_mmol_per_l": (_("Phosphate"), "mmol/L", (0, 10)),
    "calcium_mmol_per_l": (_("Calcium (albumin-corrected)"), "mmol/L", (0, 6)),
    "uric_acid_umol_per_l": (_("Uric acid"), "µmol/L", (0, 3000)),
    "creatinine_umol_per_l": (_("Creatinine"), "µmol/L", (0, 3000)),
    "alt_u_per_l": (_("ALT"), "U/L", (0, 20000)),
    "ast_u_per_l": (_("AST"), "U/L", (0, 20000)),
    "bilirubin_umol_per_l": (_("Total bilirubin"), "µmol/L", (0, 1500)),
    "glucose_mmol_per_l": (_("Glucose"), "mmol/L", (0, 100)),
}


def _analyte(name: str, digits: int = 7, places: int = 2) -> models.DecimalField:
    label, unit, (low, high) = CHEMISTRY_ANALYTES[name]
    return models.DecimalField(
        format_lazy("{} ({})", label, unit),
        max_digits=digits,
        decimal_places=places,
        null=True,
        blank=True,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
        help_text=f"{unit} ({low}-{high}).",
    )


@clinical_record
class ChemistryPanel(ClinicalRecord):
    """A clinical chemistry sample (repeating): electrolytes, renal and liver tests, glucose."""

    export_name = "chemistry_panels"
    site_lookup = "participant__site"
    participant_lookup = "participant"
    field_units = {name: unit for name, (_, unit, _) in CHEMISTRY_ANALYTES.items()}

    participant = models.ForeignKey(
        "enrollment.Participant", verbose_name=_("participant"),
        on_delete=models.PROTECT, related_name="chemistry"
    )
    sample_date = models.DateField(_("Sample date"))
    potassium_mmol_per_l = _analyte("potassium_mmol_per_l")
    phosphate_mmol_per_l = _analyte("phosphate_mmol_per_l")
    calcium_mmol_per_l = _analyte("calcium_mmol_per_l")
    uric_acid_umol_per_l = _analyte("uric_acid_umol_per_l", places=1)
    creatinine_umol_per_l = _analyte("creatinine_umol_per_l", places=1)
    alt_u_per_l = _analyte("alt_u_per_l", places=1)
    ast_u_per_l = _analyte("ast_u_per_l", places=1)
    bilirubin_umol_per_l = _analyte("bilirubin_umol_per_l", places=1)
    glucose_mmol_per_l = _analyte("glucose_mmol_per_l")

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("chemistry panel")
        ordering = ["participant_id", "sample_date", "id"]
        indexes = [models.Index(fields=["participant", "sample_date"])]

    def __str__(self) -> str:
        return f"{self.participant} chemistry {self.sample_date}"

    def shown_title(self) -> str:
        return gettext("%(participant)s chemistry %(date)s") % {
            "participant": self.participant, "date": self.sample_date
        }

    def get_edit_url(self) -> str:
        return reverse("safety:chemistry-edit", args=[self.pk])


# --- Concomitant medications ----------------------------------------------------------------------------------


class DoseUnit(models.TextChoices):
    MG = "mg", "mg"
    G = "g", "g"
    MCG = "ug", "µg"
    MG_PER_KG = "mg/kg", "mg/kg"
    MG_PER_M2 = "mg/m2", "mg/m²"
    IU = "IU", "IU"
    ML = "mL", "mL"
    TABLET = "tablet", _("tablet(s)")


class MedicationRoute(models.TextChoices):
    ORAL = "PO", _("Oral")
    IV = "IV", _("Intravenous")
    SC = "SC", _("Subcutaneous")
    IM = "IM", _("Intramuscular")
    INHALED = "INH", _("Inhaled")
    TOPICAL = "TOP", _("Topical")
    INTRATHECAL = "IT", _("Intrathecal")
    OTHER = "OTHER", _("Other")


CONMED_FLAGS = (
    ("is_tocilizumab", _("Tocilizumab")),
    ("is_corticosteroid", _("Corticosteroid")),
    ("is_antimicrobial_prophylaxis", _("Antimicrobial prophylaxis")),
    ("is_gcsf", _("G-CSF")),
    ("is_tls_prophylaxis", _("TLS prophylaxis")),
)


@clinical_record
class ConcomitantMedication(ClinicalRecord):
    """A concomitant medication (repeating): what, why (or the AE it treats), how much, how, from when to when."""

    export_name = "concomitant_medications"
    site_lookup = "participant__site"
    participant_lookup = "participant"
    field_units = {"dose": "dose_unit"}

    participant = models.ForeignKey(
        "enrollment.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="concomitant_medications",
    )
    drug_name = models.CharField(_("Medication"), max_length=120, help_text=_("Generic name, e.g. tocilizumab."))
    indication = models.CharField(_("Indication"), max_length=200, blank=True)
    adverse_event = models.ForeignKey(
        AdverseEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concomitant_medications",
        verbose_name=_("Adverse event treated"),
        help_text=_("The AE this medication treats, if any."),
    )
    dose = models.DecimalField(
        _("Dose"),
        max_digits=9,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Per administration, in the unit chosen next."),
    )
    dose_unit = models.CharField(_("Dose unit"), max_length=8, choices=DoseUnit.choices, blank=True)
    route = models.CharField(max_length=6, choices=MedicationRoute.choices)
    frequency = models.CharField(max_length=60, blank=True, help_text=_("e.g. once daily, 8-hourly, single dose."))
    start_date = models.DateField(_("Start date"))
    stop_date = models.DateField(_("Stop date"), null=True, blank=True)
    ongoing = models.BooleanField(_("Ongoing"), default=False)
    is_tocilizumab = models.BooleanField(_("Tocilizumab"), default=False)
    is_corticosteroid = models.BooleanField(_("Corticosteroid"), default=False)
    is_antimicrobial_prophylaxis = models.BooleanField(_("Antimicrobial prophylaxis"), default=False)
    is_gcsf = models.BooleanField(_("G-CSF"), default=False)
    is_tls_prophylaxis = models.BooleanField(_("TLS prophylaxis"), default=False)

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("concomitant medication")
        ordering = ["participant_id", "start_date", "id"]
        indexes = [models.Index(fields=["participant", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stop_date__isnull=True) | models.Q(stop_date__gte=models.F("start_date")),
                name="conmed_stop_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.drug_name} from {self.start_date}"

    def shown_title(self) -> str:
        return gettext("%(participant)s %(drug)s from %(date)s") % {
            "participant": self.participant, "drug": self.drug_name, "date": self.start_date
        }

    def get_edit_url(self) -> str:
        return reverse("safety:conmed-edit", args=[self.pk])

    @property
    def flags(self) -> list[str]:
        return [label for name, label in CONMED_FLAGS if getattr(self, name)]

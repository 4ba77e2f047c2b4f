"""Assessment records: marrow, blood counts, EMD, flow and NGS MRD, response calls, survival follow-up.

DOMAIN.md 3.1-3.3 and 5.5. Field names carry their unit (``_pct``, ``_e9_per_l``, ``_g_per_l``); where a
suffix cannot say it, ``field_units`` does (exports read it).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.rules import DEFAULT_ENTRY_LIMITS as LIMITS
from blinatrial.access import SiteScopedQuerySet
from integrity.models import ClinicalRecord, clinical_record


def validate_positive(value) -> None:
    """LOD must be strictly greater than 0."""
    if value is not None and value <= 0:
        raise ValidationError(_("Must be greater than 0."))


def _pct(maximum: float) -> list:
    return [MinValueValidator(0), MaxValueValidator(maximum)]


class Timepoint(models.TextChoices):
    EOC1 = "EOC1", _("End of cycle 1")
    EOC2 = "EOC2", _("End of cycle 2")
    UNSCHEDULED = "UNSCHEDULED", _("Unscheduled / relapse work-up")
    FOLLOW_UP = "FOLLOW_UP", _("Follow-up")


EOC_TIMEPOINTS = (Timepoint.EOC1, Timepoint.EOC2)
EOC_CYCLE_NUMBER = {Timepoint.EOC1: 1, Timepoint.EOC2: 2}


class AspirateAdequacy(models.TextChoices):
    ADEQUATE = "ADEQUATE", _("Adequate")
    DRY_TAP = "DRY_TAP", _("Inadequate: dry tap")
    HAEMODILUTE = "HAEMODILUTE", _("Inadequate: haemodilute")
    FEW_CELLS = "FEW_CELLS", _("Inadequate: fewer than 200 cells enumerated")


class Cellularity(models.TextChoices):
    HYPOCELLULAR = "HYPO", _("Hypocellular")
    NORMOCELLULAR = "NORMO", _("Normocellular")
    HYPERCELLULAR = "HYPER", _("Hypercellular")
    NOT_ASSESSED = "NOT_ASSESSED", _("Not assessed")


class BloodBlasts(models.TextChoices):
    ABSENT = "ABSENT", _("Absent")
    PRESENT = "PRESENT", _("Present")
    NOT_DONE = "NOT_DONE", _("Differential not done")


class EmdStatus(models.TextChoices):
    NONE = "NONE", _("None")
    PRESENT = "PRESENT", _("Present")
    NOT_ASSESSED = "NOT_ASSESSED", _("Not assessed")


class CnsStatus(models.TextChoices):
    CNS1 = "CNS1", _("CNS1 (no blasts in CSF)")
    CNS2 = "CNS2", _("CNS2 (< 5 WBC/uL with blasts)")
    CNS3 = "CNS3", _("CNS3 (>= 5 WBC/uL with blasts, or CNS signs)")
    NOT_ASSESSED = "NOT_ASSESSED", _("Not assessed")


class FlowResultType(models.TextChoices):
    QUANTIFIED = "QUANTIFIED", _("Quantified (detected)")
    NOT_DETECTED = "NOT_DETECTED", _("Not detected")
    NOT_EVALUABLE = "NOT_EVALUABLE", _("Not evaluable")


class NgsResult(models.TextChoices):
    DETECTED = "DETECTED", _("Detected")
    NOT_DETECTED = "NOT_DETECTED", _("Not detected")


class ResponseCategory(models.TextChoices):
    CR = "CR", _("CR (complete remission)")
    CRH = "CRh", _("CRh (partial haematologic recovery)")
    CRI = "CRi", _("CRi (incomplete count recovery)")
    NR = "NR", _("NR (no response)")
    RELAPSE = "RELAPSE", _("Relapse")
    NE = "NE", _("NE (not evaluable)")


class VitalStatus(models.TextChoices):
    ALIVE = "ALIVE", _("Alive")
    DEAD = "DEAD", _("Dead")
    UNKNOWN = "UNKNOWN", _("Unknown")


class DiseaseStatus(models.TextChoices):
    CONTINUED_REMISSION = "CONTINUED_REMISSION", _("Continued remission (assessed)")
    RELAPSE = "RELAPSE", _("Relapse")
    NOT_ASSESSED = "NOT_ASSESSED", _("Not assessed")


class RelapseEvidence(models.TextChoices):
    MARROW = "MARROW", _("Bone marrow (blasts >= 5 %)")
    BLOOD = "BLOOD", _("Circulating blasts")
    EMD = "EMD", _("Extramedullary / CNS disease")
    OTHER = "OTHER", _("Other")


class DeathCause(models.TextChoices):
    DISEASE = "DISEASE", _("Leukaemia (disease progression)")
    INFECTION = "INFECTION", _("Infection")
    TRANSPLANT = "TRANSPLANT", _("Transplant-related")
    TOXICITY = "TOXICITY", _("Treatment toxicity")
    OTHER = "OTHER", _("Other")
    UNKNOWN = "UNKNOWN", _("Unknown")


class ContactMethod(models.TextChoices):
    VISIT = "VISIT", _("Clinic visit")
    PHONE = "PHONE", _("Telephone")
    RECORDS = "RECORDS", _("Medical records")


@clinical_record
class BoneMarrowAssessment(ClinicalRecord):
    """One bone-marrow aspirate (DOMAIN 3.1): morphology blasts as % of nucleated cells."""

    # Critical to quality: the fields a monitor verifies against source (integrity.verification).
    critical_fields = ("sample_date", "aspirate_adequacy", "blasts_pct")

    site_lookup = "participant__site"
    participant_lookup = "participant"
    timepoint_lookup = "timepoint"
    alive_dates = {"sample_date": None}  # dates that prove the participant alive (enrollment.alive)
    alive_label = "marrow and MRD samples"

    participant = models.ForeignKey(
        "enrollment.Participant", verbose_name=_("participant"),
        on_delete=models.PROTECT, related_name="marrows"
    )
    timepoint = models.CharField(max_length=12, choices=Timepoint.choices)
    cycle_number = models.PositiveSmallIntegerField(
        _("cycle number"),
        null=True, blank=True, editable=False, help_text=_("1 or 2 for an end-of-cycle marrow.")
    )
    sample_date = models.DateField(_("Aspirate date"))
    aspirate_adequacy = models.CharField(
        max_length=12, choices=AspirateAdequacy.choices, default=AspirateAdequacy.ADEQUATE
    )
    blasts_pct = models.DecimalField(
        _("Marrow blasts (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_pct(LIMITS.blasts_pct_max),
        # xgettext:no-python-format
        help_text=_("% of nucleated cells (morphology), 0-100. Leave empty when the aspirate is inadequate."),
    )
    cellularity = models.CharField(max_length=12, choices=Cellularity.choices, default=Cellularity.NOT_ASSESSED)
    sample_id = models.CharField(_("Sample ID"), max_length=40, blank=True, help_text=_("Links flow and NGS MRD."))

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("bone marrow assessment")
        ordering = ["sample_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "timepoint"],
                condition=models.Q(is_deleted=False, timepoint__in=["EOC1", "EOC2"]),
                name="one_live_eoc_marrow_per_timepoint",
            ),
            models.CheckConstraint(
                condition=models.Q(blasts_pct__isnull=True) | models.Q(blasts_pct__gte=0, blasts_pct__lte=100),
                name="marrow_blasts_pct_range",
            ),
            models.CheckConstraint(
                condition=models.Q(aspirate_adequacy="ADEQUATE", blasts_pct__isnull=False)
                | (~models.Q(aspirate_adequacy="ADEQUATE") & models.Q(blasts_pct__isnull=True)),
                name="marrow_blasts_iff_adequate",
            ),
        ]
        indexes = [models.Index(fields=["participant", "sample_date"])]

    def __str__(self) -> str:
        return f"{self.participant} marrow {self.timepoint} {self.sample_date}"

    def shown_title(self) -> str:
        return gettext("%(participant)s marrow %(timepoint)s %(date)s") % {
            "participant": self.participant, "timepoint": self.timepoint, "date": self.sample_date
        }

    @property
    def is_adequate(self) -> bool:
        return self.aspirate_adequacy == AspirateAdequacy.ADEQUATE


@clinical_record
class BloodCount(ClinicalRecord):
    """A complete blood count (DOMAIN 3.1): counts in x10^9/L, haemoglobin in g/L."""

    # Critical to quality: the fields a monitor verifies against source (integrity.verification).
    critical_fields = ("sample_date", "anc_e9_per_l", "platelets_e9_per_l", "circulating_blasts")

    site_lookup = "participant__site"
    participant_lookup = "participant"
    alive_dates = {"sample_date": None}
    alive_label = "blood counts"

    participant = models.ForeignKey(
        "enrollment.Participant", verbose_name=_("participant"),
        on_delete=models.PROTECT, related_name="blood_counts"
    )
    sample_date = models.DateField(_("Sample date"))
    anc_e9_per_l = models.DecimalField(
        _("ANC (x10^9/L)"), max_digits=6, decimal_places=2, validators=_pct(LIMITS.anc_max),
        help_text=_("Absolute neutrophil count, x10^9/L (0-100)."),
    )
    platelets_e9_per_l = models.DecimalField(
        _("Platelets (x10^9/L)"), max_digits=6, decimal_places=1, validators=_pct(LIMITS.platelets_max),
        help_text=_("x10^9/L (0-2000)."),
    )
    hb_g_per_l = models.DecimalField(
        _("Haemoglobin (g/L)"), max_digits=5, decimal_places=1, null=True, blank=True, validators=_pct(LIMITS.hb_max),
        help_text=_("g/L (0-250)."),
    )
    wbc_e9_per_l = models.DecimalField(
        _("WBC (x10^9/L)"), max_digits=6, decimal_places=2, null=True, blank=True, validators=_pct(LIMITS.wbc_max),
        help_text=_("x10^9/L (0-1000)."),
    )
    circulating_blasts = models.CharField(
        _("Circulating blasts"), max_length=10, choices=BloodBlasts.choices, default=BloodBlasts.ABSENT
    )
    circulating_blasts_pct = models.DecimalField(
        _("Circulating blasts (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        # xgettext:no-python-format
        validators=_pct(LIMITS.blasts_pct_max), help_text=_("% of white cells (0-100), if counted."),
    )
    platelet_transfusion_within_7d = models.BooleanField(
        _("Platelet transfusion in the 7 days before"), default=False
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("blood count")
        ordering = ["sample_date", "id"]
        indexes = [models.Index(fields=["participant", "sample_date"])]

    def __str__(self) -> str:
        return f"{self.participant} CBC {self.sample_date}"

    @property
    def pb_blasts(self) -> bool | None:
        """Circulating blasts for the response rules: None when no differential was done."""
        if self.circulating_blasts == BloodBlasts.NOT_DONE:
            return None
        return self.circulating_blasts == BloodBlasts.PRESENT


@clinical_record
class ExtramedullaryDisease(ClinicalRecord):
    """Extramedullary disease including CNS status (DOMAIN 3.1)."""

    export_name = "extramedullary_disease_assessments"  # the snapshot file stem
    site_lookup = "participant__site"
    participant_lookup = "participant"
    alive_dates = {"assessed_on": None}
    alive_label = "EMD assessments"

    participant = models.ForeignKey(
        "enrollment.Participant", verbose_name=_("participant"),
        on_delete=models.PROTECT, related_name="emd_assessments"
    )
    assessed_on = models.DateField(_("Assessment date"))
    status = models.CharField(_("Extramedullary disease"), max_length=12, choices=EmdStatus.choices)
    cns_status = models.CharField(_("CNS status"), max_length=12, choices=CnsStatus.choices)
    sites = models.CharField(_("EMD sites"), max_length=200, blank=True, help_text=_("e.g. testis, skin, mediastinum."))

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("extramedullary disease")
        ordering = ["assessed_on", "id"]
        indexes = [models.Index(fields=["participant", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.participant} EMD {self.assessed_on}"


@clinical_record
class FlowMrd(ClinicalRecord):
    """Flow-cytometry MRD on a marrow sample (DOMAIN 3.3): value and LOD in % of nucleated cells."""

    # Critical to quality: the fields a monitor verifies against source (integrity.verification).
    critical_fields = ("result_type", "value_pct", "lod_pct")

    export_name = "flow_mrd_results"  # the snapshot file stem
    site_lookup = "marrow__participant__site"
    participant_lookup = "marrow__participant"
    timepoint_lookup = "marrow__timepoint"
    field_units = {"cells_analysed": "cells (events acquired)"}

    marrow = models.ForeignKey(
        BoneMarrowAssessment,
        verbose_name=_("bone marrow assessment"),
        on_delete=models.PROTECT,
        related_name="flow_mrd",
    )
    result_type = models.CharField(max_length=14, choices=FlowResultType.choices)
    not_evaluable_reason = models.CharField(max_length=200, blank=True, help_text=_("Required when not evaluable."))
    value_pct = models.FloatField(
        _("MRD value (%)"), null=True, blank=True, validators=_pct(LIMITS.mrd_pct_max),
        # xgettext:no-python-format
        help_text=_("% of nucleated cells (0-100); only for a quantified result."),
    )
    lod_pct = models.FloatField(
        _("Limit of detection (%)"), null=True, blank=True, validators=[validate_positive, MaxValueValidator(100)],
        help_text=_("% (> 0). Required for 'not detected': negative only when LOD < 0.1 %."),
    )
    cells_analysed = models.PositiveIntegerField(_("Cells analysed"), null=True, blank=True, help_text=_("events"))
    lab = models.CharField(_("Laboratory"), max_length=100, blank=True)
    method_version = models.CharField(max_length=60, blank=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("flow mrd")
        ordering = ["marrow_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["marrow"], condition=models.Q(is_deleted=False), name="one_live_flow_mrd"),
        ]

    def __str__(self) -> str:
        return f"flow MRD of {self.marrow}"

    def shown_title(self) -> str:
        return gettext("flow MRD of %(marrow)s") % {"marrow": self.marrow.shown_title()}


@clinical_record
class NgsMrd(ClinicalRecord):
    """NGS (Ig/TCR clonotype) MRD on a marrow sample (DOMAIN 3.3): fractions of nucleated cells."""

    # Critical to quality: the fields a monitor verifies against source (integrity.verification).
    critical_fields = ("result", "value_fraction", "lod_fraction")

    export_name = "ngs_mrd_results"  # the snapshot file stem
    site_lookup = "marrow__participant__site"
    participant_lookup = "marrow__participant"
    timepoint_lookup = "marrow__timepoint"
    field_units = {"value_fraction": "fraction of nucleated cells", "lod_fraction": "fraction of nucleated cells"}

    marrow = models.ForeignKey(
        BoneMarrowAssessment, verbose_name=_("bone marrow assessment"), on_delete=models.PROTECT, related_name="ngs_mrd"
    )
    clone_trackable = models.BooleanField(_("Baseline clone trackable"))
    result = models.CharField(max_length=14, choices=NgsResult.choices, blank=True)
    value_fraction = models.FloatField(
        _("MRD value (fraction)"), null=True, blank=True, validators=_pct(LIMITS.ngs_fraction_max),
        help_text=_("Fraction of nucleated cells, e.g. 2e-5 (0-1)."),
    )
    value_cells_per_million = models.FloatField(
        _("MRD value (cells per million)"), null=True, blank=True, validators=_pct(1_000_000),
        help_text=_("Leukaemic cells per 10^6 nucleated cells (0-1,000,000); alternative to the fraction."),
    )
    lod_fraction = models.FloatField(
        _("Limit of detection (fraction)"), null=True, blank=True,
        validators=[validate_positive, MaxValueValidator(LIMITS.ngs_fraction_max)],
        help_text=_("Fraction (> 0), e.g. 1e-6. Required for 'not detected'."),
    )
    lab = models.CharField(_("Laboratory"), max_length=100, blank=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("ngs mrd")
        ordering = ["marrow_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["marrow"], condition=models.Q(is_deleted=False), name="one_live_ngs_mrd"),
        ]

    def __str__(self) -> str:
        return f"NGS MRD of {self.marrow}"

    def shown_title(self) -> str:
        return gettext("NGS MRD of %(marrow)s") % {"marrow": self.marrow.shown_title()}

    @property
    def fraction(self) -> float | None:
        """The value as a fraction, from either entry."""
        if self.value_fraction is not None:
            return self.value_fraction
        if self.value_cells_per_million is not None:
            return self.value_cells_per_million / 1_000_000
        return None


@clinical_record
class ResponseCall(ClinicalRecord):
    """The investigator's response call at an end-of-cycle marrow (DOMAIN decision 2)."""

    # Critical to quality: the fields a monitor verifies against source (integrity.verification).
    critical_fields = ("response",)

    site_lookup = "marrow__participant__site"
    participant_lookup = "marrow__participant"
    timepoint_lookup = "marrow__timepoint"

    marrow = models.ForeignKey(
        BoneMarrowAssessment,
        verbose_name=_("bone marrow assessment"),
        on_delete=models.PROTECT,
        related_name="response_calls",
    )
    response = models.CharField(_("Investigator's response"), max_length=8, choices=ResponseCategory.choices)
    comment = models.CharField(max_length=400, blank=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("response call")
        ordering = ["marrow_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["marrow"], condition=models.Q(is_deleted=False), name="one_live_response_call"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response} at {self.marrow}"

    def shown_title(self) -> str:
        return gettext("%(response)s at %(marrow)s") % {"response": self.response, "marrow": self.marrow.shown_title()}


@clinical_record
class FollowUpContact(ClinicalRecord):
    """A survival / disease follow-up contact (DOMAIN 5.5): feeds OS, EFS and the last-known dates."""

    # Critical to quality: the fields a monitor verifies against source (integrity.verification).
    critical_fields = ("vital_status", "disease_status", "relapse_date", "death_date")

    site_lookup = "participant__site"
    participant_lookup = "participant"
    # An "alive" contact, and the relapse and transplant dates a contact reports (also when it reports a death).
    alive_dates = {"contact_date": models.Q(vital_status="ALIVE"), "relapse_date": None, "transplant_date": None}
    alive_label = "'alive' follow-up contacts and the relapse and transplant dates they report"

    participant = models.ForeignKey(
        "enrollment.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="follow_up_contacts",
    )
    contact_date = models.DateField()
    method = models.CharField(max_length=10, choices=ContactMethod.choices, default=ContactMethod.VISIT)
    vital_status = models.CharField(max_length=8, choices=VitalStatus.choices)
    disease_status = models.CharField(max_length=20, choices=DiseaseStatus.choices)
    relapse_date = models.DateField(null=True, blank=True, help_text=_("Date of the sample or exam documenting it."))
    relapse_documented_by = models.CharField(max_length=8, choices=RelapseEvidence.choices, blank=True)
    death_date = models.DateField(null=True, blank=True)
    death_cause = models.CharField(max_length=12, choices=DeathCause.choices, blank=True)
    death_cause_detail = models.CharField(max_length=200, blank=True)
    transplant_since_last_contact = models.BooleanField(_("Transplant since the last contact"), default=False)
    transplant_date = models.DateField(null=True, blank=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("follow up contact")
        ordering = ["contact_date", "id"]
        indexes = [models.Index(fields=["participant", "contact_date"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(vital_status="DEAD") | models.Q(death_date__isnull=False),
                name="followup_death_needs_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(disease_status="RELAPSE") | models.Q(relapse_date__isnull=False),
                name="followup_relapse_needs_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} follow-up {self.contact_date}"

    def shown_title(self) -> str:
        return gettext("%(participant)s follow-up %(date)s") % {
            "participant": self.participant, "date": self.contact_date
        }

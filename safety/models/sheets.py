"""CRS and ICANS assessment sheets under an adverse event (ASTCT 2019, DOMAIN 4.2 and 4.3)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blinatrial.access import SiteScopedQuerySet
from blinatrial.dates import shown_utc
from integrity.models import ClinicalRecord, clinical_record
from safety import rules
from safety.models.adverse_events import AdverseEvent

# --- CRS and ICANS assessments (ASTCT 2019, DOMAIN 4.2 and 4.3) -------------------------------------------


def _choices(name: str, labels: dict[str, str]) -> type[models.TextChoices]:
    """TextChoices from a code -> label table of safety.rules (the codes and words have one home there)."""
    return models.TextChoices(name, [(str(code).upper(), (str(code), _(label))) for code, label in labels.items()])


O2Device = _choices("O2Device", rules.O2_DEVICE_LABELS)
Consciousness = _choices("Consciousness", rules.CONSCIOUSNESS_LABELS)
Seizure = _choices("Seizure", rules.SEIZURE_LABELS)
RaisedIcp = _choices("RaisedIcp", rules.ICP_LABELS)
TEMP_LOW_C, TEMP_HIGH_C = rules.PLAUSIBLE_TEMP_C


class AeChildRecord(ClinicalRecord):
    """A sheet recorded under one adverse event (its participant, site and signing scope are the AE's)."""

    site_lookup = "adverse_event__participant__site"
    participant_lookup = "adverse_event__participant"
    timepoint_lookup = "adverse_event__reference"

    class Meta(ClinicalRecord.Meta):
        abstract = True


@clinical_record
class CrsAssessment(AeChildRecord):
    """One CRS assessment of a CRS adverse event; its ASTCT grade is computed (safety.rules.crs_grade)."""

    export_name = "crs_assessments"
    field_units = {"vasopressors_excl_vasopressin": "count of vasopressors (vasopressin not counted)"}

    adverse_event = models.ForeignKey(
        AdverseEvent, verbose_name=_("adverse event"), on_delete=models.PROTECT, related_name="crs_assessments"
    )
    assessed_at = models.DateTimeField(_("Assessed (UTC)"))
    max_temp_c = models.DecimalField(
        _("Maximum temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(TEMP_LOW_C), MaxValueValidator(TEMP_HIGH_C)],
        help_text=format_lazy(
            _("°C, highest in the 24 hours before the assessment ({low}-{high})."),
            low=f"{TEMP_LOW_C:g}",
            high=f"{TEMP_HIGH_C:g}",
        ),
    )
    fever_masked = models.BooleanField(
        _("Fever masked"),
        default=False,
        help_text=_("Antipyretic, tocilizumab or corticosteroid given after CRS onset."),
    )
    hypotension = models.BooleanField(_("Hypotension"), default=False, help_text=_("Systolic BP < 90 mmHg."))
    vasopressors_excl_vasopressin = models.PositiveSmallIntegerField(
        _("Vasopressors (not counting vasopressin)"),
        default=0,
        validators=[MaxValueValidator(6)],
        help_text=_("Number of vasopressors other than vasopressin (0-6)."),
    )
    vasopressin = models.BooleanField(_("Vasopressin"), default=False)
    o2_device = models.CharField(_("Oxygen device"), max_length=20, choices=O2Device.choices, default=O2Device.NONE)
    o2_flow_l_min = models.DecimalField(
        _("Oxygen flow (L/min)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
        help_text=_("L/min (0-80), for a nasal cannula."),
    )
    tocilizumab_given = models.BooleanField(_("Tocilizumab given"), default=False)
    corticosteroids_given = models.BooleanField(_("Corticosteroids given"), default=False)
    died_of_crs = models.BooleanField(_("Died of CRS"), default=False)

    objects = SiteScopedQuerySet.as_manager()

    class Meta(AeChildRecord.Meta):
        ordering = ["adverse_event_id", "assessed_at", "id"]
        verbose_name = _("CRS assessment")

    def __str__(self) -> str:
        return f"CRS assessment of {self.adverse_event} at {shown_utc(self.assessed_at)}"

    def shown_title(self) -> str:
        return gettext("CRS assessment of %(event)s at %(at)s") % {
            "event": self.adverse_event, "at": shown_utc(self.assessed_at)
        }

    def get_edit_url(self) -> str:
        return reverse("safety:crs-edit", args=[self.pk])


# The ten points of the ICE score: model field "ice_<code>" per safety.rules.ICE_ITEMS (1 point each).
ICE_FIELDS = tuple((f"ice_{code}", label, points) for code, label, points in rules.ICE_ITEMS)


ICE_ITEM_HELP = {1: _("0 to 1 point.")}


def _ice_item(index: int) -> models.PositiveSmallIntegerField:
    label, points = ICE_FIELDS[index][1:]
    return models.PositiveSmallIntegerField(
        _(label), null=True, blank=True, validators=[MaxValueValidator(points)], help_text=ICE_ITEM_HELP[points]
    )


@clinical_record
class IcansAssessment(AeChildRecord):
    """One ICANS assessment (adults) of an ICANS adverse event: the ten ICE points, consciousness, seizure, motor
    findings and raised intracranial pressure; ICE score and ASTCT grade are computed (safety.rules)."""

    export_name = "icans_assessments"
    field_units = {name: f"ICE points (0-{points})" for name, _, points in ICE_FIELDS}

    adverse_event = models.ForeignKey(
        AdverseEvent, verbose_name=_("adverse event"), on_delete=models.PROTECT, related_name="icans_assessments"
    )
    assessed_at = models.DateTimeField(_("Assessed (UTC)"))
    ice_orientation_year = _ice_item(0)
    ice_orientation_month = _ice_item(1)
    ice_orientation_city = _ice_item(2)
    ice_orientation_hospital = _ice_item(3)
    ice_naming_object_1 = _ice_item(4)
    ice_naming_object_2 = _ice_item(5)
    ice_naming_object_3 = _ice_item(6)
    ice_follows_commands = _ice_item(7)
    ice_writes_sentence = _ice_item(8)
    ice_counts_back_by_10 = _ice_item(9)
    unable_to_perform_ice = models.BooleanField(
        _("Unable to perform ICE (unarousable)"),
        default=False,
        help_text=_("Tick when the participant cannot be assessed because unarousable; leave the ICE items empty."),
    )
    consciousness = models.CharField(
        _("Level of consciousness"), max_length=24, choices=Consciousness.choices, default=Consciousness.ALERT
    )
    seizure = models.CharField(max_length=24, choices=Seizure.choices, default=Seizure.NONE)
    deep_focal_motor_weakness = models.BooleanField(
        _("Deep focal motor weakness"), default=False, help_text=_("Hemiparesis or paraparesis.")
    )
    icp = models.CharField(
        _("Raised ICP / cerebral oedema"), max_length=24, choices=RaisedIcp.choices, default=RaisedIcp.NONE
    )
    died_of_icans = models.BooleanField(_("Died of ICANS"), default=False)

    objects = SiteScopedQuerySet.as_manager()

    class Meta(AeChildRecord.Meta):
        ordering = ["adverse_event_id", "assessed_at", "id"]
        verbose_name = _("ICANS assessment")

    def __str__(self) -> str:
        return f"ICANS assessment of {self.adverse_event} at {shown_utc(self.assessed_at)}"

    def shown_title(self) -> str:
        return gettext("ICANS assessment of %(event)s at %(at)s") % {
            "event": self.adverse_event, "at": shown_utc(self.assessed_at)
        }

    def get_edit_url(self) -> str:
        return reverse("safety:icans-edit", args=[self.pk])

    def ice_items(self) -> dict[str, int | None]:
        """safety.rules ICE item code -> points entered (None: not entered)."""
        return {code: getattr(self, f"ice_{code}") for code, _, _ in rules.ICE_ITEMS}

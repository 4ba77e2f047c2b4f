"""Adverse events (DOMAIN 4.1), SAE follow-up reports and the SAE notification state."""

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blinatrial.access import SiteScopedQuerySet
from blinatrial.dates import shown_utc
from integrity.models import ClinicalRecord, clinical_record
from safety.models.terms import CtcaeTerm, GradingScale

# --- Adverse events ------------------------------------------------------------------------------------------


class Relationship(models.TextChoices):
    NOT_RELATED = "NOT_RELATED", _("Not related")
    UNLIKELY = "UNLIKELY", _("Unlikely")
    POSSIBLE = "POSSIBLE", _("Possible")
    PROBABLE = "PROBABLE", _("Probable")
    DEFINITE = "DEFINITE", _("Definite")


RELATED = (Relationship.POSSIBLE, Relationship.PROBABLE, Relationship.DEFINITE)


class ActionTaken(models.TextChoices):
    NONE = "NONE", _("None (dose not changed)")
    INTERRUPTED = "INTERRUPTED", _("Interrupted")
    REDUCED = "REDUCED", _("Dose reduced")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")
    NOT_APPLICABLE = "NOT_APPLICABLE", _("Not applicable")


class Outcome(models.TextChoices):
    RECOVERED = "RECOVERED", _("Recovered / resolved")
    RECOVERING = "RECOVERING", _("Recovering / resolving")
    NOT_RECOVERED = "NOT_RECOVERED", _("Not recovered / not resolved")
    RECOVERED_WITH_SEQUELAE = "SEQUELAE", _("Recovered with sequelae")
    FATAL = "FATAL", _("Fatal")
    UNKNOWN = "UNKNOWN", _("Unknown")


# The study drugs an AE's relationship and action are recorded for (field suffix, name shown).
STUDY_DRUGS = (
    ("blinatumomab", _("Blinatumomab")),
    ("vindesine", _("Vindesine")),
    ("cyclophosphamide", _("Cyclophosphamide")),
    ("dexamethasone", _("Dexamethasone")),
    ("venetoclax", _("Venetoclax")),
)
SERIOUSNESS_CRITERIA = (
    ("sae_death", _("Results in death")),
    ("sae_life_threatening", _("Life-threatening")),
    ("sae_hospitalisation", _("Requires or prolongs hospitalisation")),
    ("sae_disability", _("Persistent or significant disability / incapacity")),
    ("sae_congenital_anomaly", _("Congenital anomaly / birth defect")),
    ("sae_important_medical_event", _("Important medical event")),
)
GRADES = [
    (1, _("Grade 1")),
    (2, _("Grade 2")),
    (3, _("Grade 3")),
    (4, _("Grade 4")),
    (5, _("Grade 5")),
]


# The labels of the per-drug relationship and action fields (one msgid each: word order differs in Chinese).
RELATIONSHIP_TO = {
    "Blinatumomab": _("Relationship to blinatumomab"),
    "Vindesine": _("Relationship to vindesine"),
    "Cyclophosphamide": _("Relationship to cyclophosphamide"),
    "Dexamethasone": _("Relationship to dexamethasone"),
    "Venetoclax": _("Relationship to venetoclax"),
}
ACTION_WITH = {
    "Blinatumomab": _("Action taken with blinatumomab"),
    "Vindesine": _("Action taken with vindesine"),
    "Cyclophosphamide": _("Action taken with cyclophosphamide"),
    "Dexamethasone": _("Action taken with dexamethasone"),
    "Venetoclax": _("Action taken with venetoclax"),
}


def _relationship(drug: str) -> models.CharField:
    return models.CharField(RELATIONSHIP_TO[drug], max_length=12, choices=Relationship.choices)


def _action(drug: str) -> models.CharField:
    return models.CharField(
        ACTION_WITH[drug],
        max_length=16,
        choices=ActionTaken.choices,
        default=ActionTaken.NOT_APPLICABLE,
    )


@clinical_record
class AdverseEvent(ClinicalRecord):
    """One adverse event (AE log, DOMAIN 4.1): a CTCAE v5.0 term (or its SOC's "Other, specify" with the verbatim
    text), worst grade on the term's scale, seriousness, causality and action per study drug, outcome."""

    site_lookup = "participant__site"
    participant_lookup = "participant"
    # An AE is its own signing and locking scope ("AE-3"): the investigator signs its causality assessment.
    timepoint_lookup = "reference"
    field_units = {"worst_grade": "grade (scale in grading_scale)"}

    participant = models.ForeignKey(
        "enrollment.Participant", verbose_name=_("participant"),
        on_delete=models.PROTECT, related_name="adverse_events"
    )
    reference = models.CharField(
        _("AE number"), max_length=12, editable=False, help_text=_("AE-1, AE-2, ... per participant (never reused).")
    )
    term = models.ForeignKey(
        CtcaeTerm,
        on_delete=models.PROTECT,
        related_name="adverse_events",
        verbose_name=_("CTCAE term"),
        help_text=_('Choose the CTCAE v5.0 term; for an event without one, the "Other, specify" term of its SOC.'),
    )
    verbatim_term = models.CharField(
        _("Verbatim term"),
        max_length=200,
        blank=True,
        help_text=_('The investigator\'s words; required for an "Other, specify" term.'),
    )
    onset_date = models.DateField(_("Onset date"))
    resolution_date = models.DateField(
        _("Resolution date"), null=True, blank=True, help_text=_("Date of resolution (of death, for a fatal event).")
    )
    ongoing = models.BooleanField(_("Ongoing"), default=False, help_text=_("Tick instead of a resolution date."))
    worst_grade = models.PositiveSmallIntegerField(
        _("Worst grade"),
        choices=GRADES,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("CTCAE v5.0; CRS and ICANS by ASTCT 2019 (the scale is stored with the grade)."),
    )
    grading_scale = models.CharField(
        _("grading scale"), max_length=12, choices=GradingScale.choices, editable=False
    )
    serious = models.BooleanField(_("Serious"), default=False)
    sae_death = models.BooleanField(SERIOUSNESS_CRITERIA[0][1], default=False)
    sae_life_threatening = models.BooleanField(SERIOUSNESS_CRITERIA[1][1], default=False)
    sae_hospitalisation = models.BooleanField(SERIOUSNESS_CRITERIA[2][1], default=False)
    sae_disability = models.BooleanField(SERIOUSNESS_CRITERIA[3][1], default=False)
    sae_congenital_anomaly = models.BooleanField(SERIOUSNESS_CRITERIA[4][1], default=False)
    sae_important_medical_event = models.BooleanField(SERIOUSNESS_CRITERIA[5][1], default=False)
    aware_at = models.DateTimeField(
        _("Site aware (UTC)"),
        null=True,
        blank=True,
        help_text=_("When the site became aware of the event; a serious event's 24-hour reporting clock starts here."),
    )
    sae_initial_report_at = models.DateTimeField(
        _("SAE initial report sent (UTC)"), null=True, blank=True, help_text=_("When the initial SAE report was sent.")
    )
    relationship_blinatumomab = _relationship("Blinatumomab")
    relationship_vindesine = _relationship("Vindesine")
    relationship_cyclophosphamide = _relationship("Cyclophosphamide")
    relationship_dexamethasone = _relationship("Dexamethasone")
    relationship_venetoclax = _relationship("Venetoclax")
    relationship_disease = models.CharField(
        _("Relationship to the leukaemia"), max_length=12, choices=Relationship.choices
    )
    action_blinatumomab = _action("Blinatumomab")
    action_vindesine = _action("Vindesine")
    action_cyclophosphamide = _action("Cyclophosphamide")
    action_dexamethasone = _action("Dexamethasone")
    action_venetoclax = _action("Venetoclax")
    blinatumomab_segment = models.ForeignKey(
        "cycles.BlinatumomabSegment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adverse_events",
        verbose_name=_("Blinatumomab infusion interrupted"),
        help_text=_("The infusion segment that stopped for this event (when blinatumomab was interrupted)."),
    )
    treatment_given = models.TextField(_("Treatment given"), blank=True)
    outcome = models.CharField(max_length=14, choices=Outcome.choices)

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("adverse event")
        ordering = ["participant_id", "onset_date", "id"]
        indexes = [models.Index(fields=["participant", "onset_date"]), models.Index(fields=["serious", "aware_at"])]
        constraints = [
            models.UniqueConstraint(fields=["participant", "reference"], name="ae_reference_unique_per_participant"),
            models.CheckConstraint(condition=models.Q(worst_grade__gte=1, worst_grade__lte=5), name="ae_grade_1_5"),
            models.CheckConstraint(
                condition=models.Q(resolution_date__isnull=True)
                | models.Q(resolution_date__gte=models.F("onset_date")),
                name="ae_resolution_not_before_onset",
            ),
            models.CheckConstraint(
                condition=~models.Q(ongoing=True, resolution_date__isnull=False), name="ae_ongoing_or_resolved"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.reference} {self.display_term}"

    def get_absolute_url(self) -> str:
        return reverse("safety:ae-detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("safety:ae-edit", args=[self.pk])

    @property
    def display_term(self) -> str:
        if self.term_id and self.term.is_other_specify:
            return f"{self.verbatim_term or 'Other'} ({self.term.soc}, other)"
        return self.term.term if self.term_id else self.verbatim_term

    @property
    def seriousness_criteria(self) -> list[str]:
        return [label for name, label in SERIOUSNESS_CRITERIA if getattr(self, name)]

    def relationships(self) -> list[tuple[str, str, str]]:
        """(drug, relationship label, action label) per study drug."""
        return [
            (name, getattr(self, f"get_relationship_{key}_display")(), getattr(self, f"get_action_{key}_display")())
            for key, name in STUDY_DRUGS
        ]


@clinical_record
class SaeFollowUpReport(ClinicalRecord):
    """A follow-up report of a serious adverse event, sent after the initial report."""

    site_lookup = "adverse_event__participant__site"
    participant_lookup = "adverse_event__participant"
    timepoint_lookup = "adverse_event__reference"

    adverse_event = models.ForeignKey(
        AdverseEvent, verbose_name=_("adverse event"), on_delete=models.PROTECT, related_name="follow_up_reports"
    )
    sent_at = models.DateTimeField(_("Follow-up report sent (UTC)"))
    summary = models.TextField(_("What the follow-up reports"), help_text=_("New information, outcome, causality."))

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        ordering = ["adverse_event_id", "sent_at", "id"]
        verbose_name = _("SAE follow-up report")

    def __str__(self) -> str:
        return f"follow-up of {self.adverse_event} sent {shown_utc(self.sent_at)}"

    def shown_title(self) -> str:
        return gettext("follow-up of %(event)s sent %(sent)s") % {
            "event": self.adverse_event, "sent": shown_utc(self.sent_at)
        }

    def get_edit_url(self) -> str:
        return reverse("safety:saefollowup-edit", args=[self.pk])


@pghistory.track()
class SaeAlert(models.Model):
    """The notifications of one serious AE (not a clinical record): each is sent once, claimed by a conditional
    UPDATE of its empty time stamp (safety.notifications)."""

    adverse_event = models.OneToOneField(
        AdverseEvent, verbose_name=_("adverse event"), on_delete=models.PROTECT, related_name="sae_alert"
    )
    entry_sent_at = models.DateTimeField(_("SAE notification sent at"), null=True, blank=True)
    overdue_sent_at = models.DateTimeField(_("overdue reminder sent at"), null=True, blank=True)

    def __str__(self) -> str:
        return f"SAE notifications of {self.adverse_event_id}"

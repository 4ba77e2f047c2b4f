import math
from datetime import date

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blinatrial.access import SiteScopedQuerySet
from blinatrial.time_zones import is_time_zone
from enrollment import rules
from enrollment.protocol import ENROLLMENT_PROTOCOL
from integrity.models import ClinicalRecord, clinical_record


def default_site_time_zone() -> str:
    return settings.SITE_TIME_ZONE


def validate_time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError(
            gettext("%(value)s is not a time zone name (e.g. Asia/Shanghai, Europe/Berlin).") % {"value": repr(value)}
        )


@pghistory.track()
class Site(models.Model):
    code = models.CharField(max_length=4, unique=True, validators=[RegexValidator(r"^\d{2,4}$")])
    name = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64,
        default=default_site_time_zone,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Asia/Shanghai: the site's date-times are entered and shown in it."),
    )
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="trial_sites")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


@pghistory.track()
class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    all_sites = models.BooleanField(default=False, help_text=_("Sees every site (data managers)."))
    printed_name = models.CharField(
        max_length=200, blank=True, help_text=_("Name printed with e-signatures.")
    )
    # The interface language the user chose in the menu ("" follows the browser); a code of settings.LANGUAGES.
    language = models.CharField(max_length=10, blank=True, default="")

    def __str__(self) -> str:
        return f"profile of {self.user}"


@pghistory.track()
class StudySettings(models.Model):
    """Study-level settings editable at run time (one row); defaults come from the protocol module.

    Audited like the clinical records (trigger, with who and the reason for change), and shown in the audit trail
    to those who see every site (it belongs to no site).
    """

    audit_study_level = True

    target_enrollment = models.PositiveSmallIntegerField(
        default=ENROLLMENT_PROTOCOL.target_enrollment
    )
    registry_id = models.CharField(max_length=40, blank=True)
    sponsor = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return "study settings"

    @classmethod
    def current(cls) -> "StudySettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class PhTestMethod(models.TextChoices):
    FISH = "FISH", "FISH"
    PCR = "PCR", "RT-PCR"


class PhResult(models.TextChoices):
    NEGATIVE = rules.PH_NEGATIVE, _("Negative (Ph-negative)")
    POSITIVE = rules.PH_POSITIVE, _("Positive (Ph-positive)")


class ScreeningCnsStatus(models.TextChoices):
    CNS1 = "CNS1", _("CNS1 (no blasts in CSF)")
    CNS2 = "CNS2", _("CNS2 (< 5 WBC/uL with blasts)")
    CNS3 = rules.CNS3, _("CNS3 (>= 5 WBC/uL with blasts, or CNS signs)")
    NOT_ASSESSED = "NOT_ASSESSED", _("Not assessed")


def _x_uln(label) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Multiple of the laboratory's upper limit of normal, e.g. 1.2."),
    )


class ScreeningStatus(models.TextChoices):
    SCREENING = rules.SCREENING, _("Screening")
    SCREEN_FAILED = rules.SCREEN_FAILED, _("Screen failed")
    ENROLLED = rules.ENROLLED, _("Enrolled")


@clinical_record
class ScreeningRecord(ClinicalRecord):

    # Critical to quality: the fields a monitor verifies against source (integrity.verification).
    critical_fields = (
        "ph_result", "ecog", "cns_status", "bilirubin_x_uln", "alt_x_uln", "creatinine_x_uln", "criteria"
    )
    site_lookup = "site"

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="screenings")
    screening_number = models.CharField(_("screening number"), max_length=12, unique=True, editable=False)
    screened_on = models.DateField()
    initials = models.CharField(
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{2,3}$", _("Two or three capital letters, no full names."))],
        help_text=_("Two or three capital letters (personal data is minimised)."),
    )
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_date = models.DateField(null=True, blank=True)
    age_years = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_("If the date of birth is not recorded."),
    )
    ph_test_method = models.CharField(max_length=4, choices=PhTestMethod.choices, blank=True)
    ph_test_date = models.DateField(null=True, blank=True)
    ph_result = models.CharField(_("BCR::ABL1 result"), max_length=8, choices=PhResult.choices, blank=True)
    ecog = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(4)])
    cns_status = models.CharField(_("CNS status"), max_length=12, choices=ScreeningCnsStatus.choices, blank=True)
    bilirubin_x_uln = _x_uln(_("Total bilirubin (x ULN)"))
    alt_x_uln = _x_uln(_("ALT (x ULN)"))
    creatinine_x_uln = _x_uln(_("Creatinine (x ULN)"))
    criteria = models.JSONField(
        _("eligibility criteria"),
        default=dict, help_text="criterion code -> met / not_met / not_assessed"
    )
    status = models.CharField(
        _("status"),
        max_length=16, choices=ScreeningStatus.choices, default=ScreeningStatus.SCREENING
    )
    screen_fail_reason = models.TextField(_("screen-failure reason"), blank=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("screening record")
        ordering = ["-screened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_date__isnull=False) | models.Q(age_years__isnull=False),
                name="screening_age_or_birth_date",
            )
        ]
        indexes = [  # the screening log's default order, per site (coordinators) and over all sites
            models.Index(
                fields=["site", "-screened_on", "-id"], condition=models.Q(is_deleted=False), name="screening_log_site"
            ),
            models.Index(fields=["-screened_on", "-id"], condition=models.Q(is_deleted=False), name="screening_log"),
        ]

    def __str__(self) -> str:
        return self.screening_number

    @property
    def age_at_screening(self) -> int | None:
        if self.birth_date:
            return rules.age_on(self.birth_date, self.screened_on)
        return self.age_years

    def screening_data(self, consent_on: date | None) -> rules.ScreeningData:
        """The values the data criteria are evaluated from (`consent_on`: the signed consent on file)."""
        return rules.ScreeningData(
            age_years=self.age_at_screening, ecog=self.ecog, ph_result=self.ph_result, cns_status=self.cns_status,
            labs={lab.field: getattr(self, lab.field) for lab in ENROLLMENT_PROTOCOL.lab_limits},
            consent_on=consent_on,
        )

    def consent_on(self) -> date | None:
        """The date of the earliest live consent (one query)."""
        return self.consents.filter(is_deleted=False).order_by("signed_on").values_list("signed_on", flat=True).first()

    def eligibility_with(self, consent_on: date | None) -> rules.Eligibility:
        return rules.derive_eligibility(self.criteria, ENROLLMENT_PROTOCOL, self.screening_data(consent_on))

    @property
    def eligibility(self) -> rules.Eligibility:
        """Derived from the data (and the ticks of the criteria without data); one query for the consent."""
        return self.eligibility_with(self.consent_on() if self.pk else None)


# The values the data criteria read (ScreeningRecord.screening_data), for lists that fetch values() rows.
SCREENING_DATA_FIELDS = (
    "birth_date", "age_years", "screened_on", "ecog", "ph_result", "cns_status",
    *(lab.field for lab in ENROLLMENT_PROTOCOL.lab_limits),
)


def screening_data_from_values(row: dict, consent_on: date | None) -> rules.ScreeningData:
    """A values() row holding SCREENING_DATA_FIELDS -> the data the criteria are evaluated from."""
    age = rules.age_on(row["birth_date"], row["screened_on"]) if row["birth_date"] else row["age_years"]
    return rules.ScreeningData(
        age_years=age, ecog=row["ecog"], ph_result=row["ph_result"], cns_status=row["cns_status"],
        labs={lab.field: row[lab.field] for lab in ENROLLMENT_PROTOCOL.lab_limits}, consent_on=consent_on,
    )


@clinical_record
class Consent(ClinicalRecord):
    site_lookup = "screening__site"

    screening = models.ForeignKey(
        ScreeningRecord, verbose_name=_("screening record"), on_delete=models.PROTECT, related_name="consents"
    )
    document_version = models.CharField(max_length=20)
    signed_on = models.DateField()
    obtained_by = models.CharField(
        max_length=200, help_text=_("Name of the person who obtained consent.")
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("consent")
        ordering = ["signed_on", "id"]

    def __str__(self) -> str:
        return f"consent v{self.document_version} {self.signed_on}"

    def shown_title(self) -> str:
        return gettext("consent v%(version)s %(date)s") % {"version": self.document_version, "date": self.signed_on}


class ParticipantStatus(models.TextChoices):
    ENROLLED = rules.ENROLLED, _("Enrolled")
    ON_TREATMENT = rules.ON_TREATMENT, _("On treatment")
    FOLLOW_UP = rules.FOLLOW_UP, _("Follow-up")
    OFF_STUDY = rules.OFF_STUDY, _("Off study")


@clinical_record
class Participant(ClinicalRecord):
    site_lookup = "site"

    screening = models.OneToOneField(
        ScreeningRecord, verbose_name=_("screening record"), on_delete=models.PROTECT, related_name="participant"
    )
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="participants")
    participant_id = models.CharField(_("participant ID"), max_length=12, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("sequence number"), editable=False)
    enrolled_on = models.DateField(_("enrolled on"))
    height_cm = models.DecimalField(
        _("height (cm)"),
        max_digits=5, decimal_places=1, validators=[MinValueValidator(100), MaxValueValidator(250)]
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=5, decimal_places=1, validators=[MinValueValidator(25), MaxValueValidator(300)]
    )
    status = models.CharField(
        _("status"),
        max_length=16, choices=ParticipantStatus.choices, default=ParticipantStatus.ENROLLED
    )
    status_on = models.DateField(_("status since"))
    off_study_reason = models.CharField(_("off-study reason"), max_length=32, blank=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("participant")
        ordering = ["participant_id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "sequence"], name="participant_sequence_per_site")
        ]

    def __str__(self) -> str:
        return self.participant_id

    @property
    def bsa_m2(self) -> float:
        """Body surface area, Mosteller: sqrt(height_cm x weight_kg / 3600) (DOMAIN 2.3)."""
        return round(math.sqrt(float(self.height_cm) * float(self.weight_kg) / 3600), 2)


@clinical_record
class StatusChange(ClinicalRecord):
    site_lookup = "participant__site"
    # A status change other than going off study at death shows the participant alive (enrollment.alive).
    alive_dates = {"changed_on": ~models.Q(to_status=rules.OFF_STUDY, reason="death")}
    alive_label = "non-death status changes (withdrawal included)"

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(_("from status"), max_length=16)
    to_status = models.CharField(_("to status"), max_length=16)
    changed_on = models.DateField(_("changed on"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta(ClinicalRecord.Meta):
        verbose_name = _("status change")
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.participant}: {self.from_status} -> {self.to_status}"


def first_consent_on() -> models.Subquery:
    """The date of the earliest live consent of the screening record an annotation runs over (OuterRef "pk"): a
    scalar subquery, evaluated only for the rows a page returns."""
    consents = Consent.objects.filter(screening=models.OuterRef("pk"), is_deleted=False).order_by("signed_on")
    return models.Subquery(consents.values("signed_on")[:1])

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from blinatrial import access
from enrollment import models
from enrollment.protocol import ENROLLMENT_PROTOCOL

PASSWORD = "correct-horse-battery-7"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Site
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{n + 1:02d}")
    name = factory.LazyAttribute(lambda o: f"Hospital {o.code}")
    time_zone = "UTC"  # tests of local times name their site's zone (tests/enrollment/test_site_time_zone.py)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()

    @factory.post_generation
    def two_factor(self, create, extracted, **kwargs):
        """An authenticator for the roles that must have one (two_factor=False: none, two_factor=True: always)."""
        if create and (extracted if extracted is not None else access.two_factor_required(self)):
            give_authenticator(self)

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if create and extracted:
            for site in extracted:
                site.users.add(self)


def give_authenticator(user) -> TOTPDevice:
    """A confirmed TOTP device: the user has enrolled two-factor sign-in."""
    return TOTPDevice.objects.get_or_create(user=user, name="authenticator", defaults={"confirmed": True})[0]


def all_criteria_met() -> dict[str, str]:
    return {c.code: c.required_answer for c in ENROLLMENT_PROTOCOL.criteria}


def criteria_before_consent() -> dict[str, str]:
    """The checklist as screened: every criterion as required, consent left to the consent record (a tick "met"
    without a consent on file contradicts the data)."""
    return {**all_criteria_met(), ENROLLMENT_PROTOCOL.consent_criterion: "not_assessed"}


class ScreeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ScreeningRecord

    site = factory.SubFactory(SiteFactory)
    screening_number = factory.Sequence(lambda n: f"T{n:05d}")
    screened_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=60))
    initials = "AB"
    sex = models.Sex.FEMALE
    age_years = 35
    ph_test_method = models.PhTestMethod.FISH
    ph_test_date = factory.LazyAttribute(lambda o: o.screened_on)
    ph_result = models.PhResult.NEGATIVE
    ecog = 1
    cns_status = models.ScreeningCnsStatus.CNS1
    bilirubin_x_uln = Decimal("0.8")
    alt_x_uln = Decimal("1.2")
    creatinine_x_uln = Decimal("0.9")
    criteria = factory.LazyFunction(criteria_before_consent)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Consent

    screening = factory.SubFactory(ScreeningFactory)
    document_version = "1.1"
    signed_on = factory.LazyAttribute(lambda o: o.screening.screened_on)
    obtained_by = "Dr Investigator"


class ParticipantFactory(factory.django.DjangoModelFactory):
    """An enrolled participant with screening and consent, bypassing the enrollment service."""

    class Meta:
        model = models.Participant
        skip_postgeneration_save = True

    screening = factory.SubFactory(ScreeningFactory, status=models.ScreeningStatus.ENROLLED)
    site = factory.LazyAttribute(lambda o: o.screening.site)
    sequence = factory.Sequence(lambda n: n + 1)
    participant_id = factory.LazyAttribute(lambda o: f"{o.site.code}-{o.sequence:03d}")
    enrolled_on = factory.LazyAttribute(lambda o: o.screening.screened_on + datetime.timedelta(days=2))
    height_cm = 170
    weight_kg = 70
    status_on = factory.LazyAttribute(lambda o: o.enrolled_on)
    consent = factory.RelatedFactory(
        ConsentFactory, factory_related_name="", screening=factory.SelfAttribute("..screening")
    )

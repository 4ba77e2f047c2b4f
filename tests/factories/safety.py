"""Factories of the safety records (and the CTCAE terms they point to)."""

import datetime
from decimal import Decimal

import factory

from safety import models
from tests.factories.enrollment import ParticipantFactory

CRS_TERM = {
    "code": "cytokine_release_syndrome",
    "term": "Cytokine release syndrome",
    "soc": "Immune system disorders",
    "allowed_grades": [1, 2, 3, 4, 5],
}
ICANS_TERM = {
    "code": "immune_effector_cell_associated_neurotoxicity_syndrome",
    "term": "Immune effector cell-associated neurotoxicity syndrome",
    "soc": "Nervous system disorders",
    "allowed_grades": [1, 2, 3, 4, 5],
}
ANEMIA_TERM = {
    "code": "anemia",
    "term": "Anemia",
    "soc": "Blood and lymphatic system disorders",
    "allowed_grades": [1, 2, 3, 4, 5],
}
NAUSEA_TERM = {"code": "nausea", "term": "Nausea", "soc": "Gastrointestinal disorders", "allowed_grades": [1, 2, 3]}
SEPSIS_TERM = {"code": "sepsis", "term": "Sepsis", "soc": "Infections and infestations", "allowed_grades": [4, 5]}
OTHER_GI_TERM = {
    "code": "gastrointestinal_disorders_other_specify",
    "term": "Gastrointestinal disorders - Other, specify",
    "soc": "Gastrointestinal disorders",
    "allowed_grades": [1, 2, 3, 4, 5],
    "is_other_specify": True,
}


def _after_enrollment(days: int):
    return factory.LazyAttribute(lambda o: o.participant.enrolled_on + datetime.timedelta(days=days))


def _aware(o) -> datetime.datetime:
    return datetime.datetime.combine(o.onset_date, datetime.time(10, 0), tzinfo=datetime.UTC)


class CtcaeTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CtcaeTerm
        django_get_or_create = ("code",)

    code = NAUSEA_TERM["code"]
    term = NAUSEA_TERM["term"]
    soc = NAUSEA_TERM["soc"]
    allowed_grades = NAUSEA_TERM["allowed_grades"]
    grade_descriptions = factory.LazyAttribute(lambda o: {str(g): f"Grade {g} of {o.term}" for g in o.allowed_grades})
    source = "test factory"


def term(spec: dict) -> models.CtcaeTerm:
    return CtcaeTermFactory(**spec)


class AdverseEventFactory(factory.django.DjangoModelFactory):
    """A non-serious grade 2 nausea, resolved, in the participant's first weeks."""

    class Meta:
        model = models.AdverseEvent

    participant = factory.SubFactory(ParticipantFactory)
    reference = factory.Sequence(lambda n: f"AE-{n + 1}")
    term = factory.LazyFunction(lambda: term(NAUSEA_TERM))  # a shared term, saved even by build()
    onset_date = _after_enrollment(5)
    resolution_date = _after_enrollment(8)
    worst_grade = 2
    grading_scale = models.GradingScale.CTCAE_5
    aware_at = factory.LazyAttribute(_aware)
    relationship_blinatumomab = models.Relationship.POSSIBLE
    relationship_vindesine = models.Relationship.UNLIKELY
    relationship_cyclophosphamide = models.Relationship.UNLIKELY
    relationship_dexamethasone = models.Relationship.NOT_RELATED
    relationship_venetoclax = models.Relationship.NOT_RELATED
    relationship_disease = models.Relationship.NOT_RELATED
    treatment_given = "Ondansetron"
    outcome = models.Outcome.RECOVERED


class CrsAdverseEventFactory(AdverseEventFactory):
    term = factory.LazyFunction(lambda: term(CRS_TERM))
    grading_scale = models.GradingScale.ASTCT_2019


class SaeFollowUpReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SaeFollowUpReport

    adverse_event = factory.SubFactory(
        AdverseEventFactory,
        serious=True,
        sae_hospitalisation=True,
        sae_initial_report_at=factory.LazyAttribute(lambda o: _aware(o) + datetime.timedelta(hours=6)),
    )
    sent_at = factory.LazyAttribute(lambda o: o.adverse_event.sae_initial_report_at + datetime.timedelta(days=2))
    summary = "Discharged home; event resolved without sequelae."


class CrsAssessmentFactory(factory.django.DjangoModelFactory):
    """Fever 38.6 °C without hypotension or oxygen: ASTCT grade 1."""

    class Meta:
        model = models.CrsAssessment

    adverse_event = factory.SubFactory(CrsAdverseEventFactory)
    assessed_at = factory.LazyAttribute(lambda o: _aware(o.adverse_event) + datetime.timedelta(hours=2))
    max_temp_c = Decimal("38.6")


class IcansAssessmentFactory(factory.django.DjangoModelFactory):
    """ICE 8/10, awake: ASTCT grade 1."""

    class Meta:
        model = models.IcansAssessment

    adverse_event = factory.SubFactory(
        AdverseEventFactory,
        term=factory.LazyFunction(lambda: term(ICANS_TERM)),
        grading_scale=models.GradingScale.ASTCT_2019,
        worst_grade=1,
    )
    assessed_at = factory.LazyAttribute(lambda o: _aware(o.adverse_event) + datetime.timedelta(hours=2))
    ice_orientation_year = 1
    ice_orientation_month = 1
    ice_orientation_city = 1
    ice_orientation_hospital = 0
    ice_naming_object_1 = 1
    ice_naming_object_2 = 1
    ice_naming_object_3 = 1
    ice_follows_commands = 1
    ice_writes_sentence = 0
    ice_counts_back_by_10 = 1


class ChemistryPanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ChemistryPanel

    participant = factory.SubFactory(ParticipantFactory)
    sample_date = _after_enrollment(3)
    potassium_mmol_per_l = Decimal("4.2")
    phosphate_mmol_per_l = Decimal("1.10")
    calcium_mmol_per_l = Decimal("2.30")
    uric_acid_umol_per_l = Decimal("300")
    creatinine_umol_per_l = Decimal("80")
    alt_u_per_l = Decimal("30")
    ast_u_per_l = Decimal("28")
    bilirubin_umol_per_l = Decimal("12")
    glucose_mmol_per_l = Decimal("5.5")


class ConcomitantMedicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ConcomitantMedication

    participant = factory.SubFactory(ParticipantFactory)
    drug_name = "Allopurinol"
    indication = "Tumour lysis prophylaxis"
    dose = Decimal("300")
    dose_unit = models.DoseUnit.MG
    route = models.MedicationRoute.ORAL
    frequency = "once daily"
    start_date = _after_enrollment(1)
    stop_date = _after_enrollment(10)
    is_tls_prophylaxis = True

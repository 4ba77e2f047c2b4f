import datetime

import factory

from assessments import models
from tests.factories.enrollment import ParticipantFactory


def _days_after_enrollment(days: int):
    return factory.LazyAttribute(lambda o: o.participant.enrolled_on + datetime.timedelta(days=days))


class MarrowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BoneMarrowAssessment

    participant = factory.SubFactory(ParticipantFactory)
    timepoint = models.Timepoint.EOC1
    cycle_number = factory.LazyAttribute(lambda o: models.EOC_CYCLE_NUMBER.get(o.timepoint))
    sample_date = _days_after_enrollment(30)
    aspirate_adequacy = models.AspirateAdequacy.ADEQUATE
    blasts_pct = 1.0
    cellularity = models.Cellularity.NORMOCELLULAR
    sample_id = factory.Sequence(lambda n: f"BM{n:05d}")


class BloodCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BloodCount

    participant = factory.SubFactory(ParticipantFactory)
    sample_date = _days_after_enrollment(30)
    anc_e9_per_l = 2.0
    platelets_e9_per_l = 180
    hb_g_per_l = 110
    wbc_e9_per_l = 4.5
    circulating_blasts = models.BloodBlasts.ABSENT


class EmdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ExtramedullaryDisease

    participant = factory.SubFactory(ParticipantFactory)
    assessed_on = _days_after_enrollment(30)
    status = models.EmdStatus.NONE
    cns_status = models.CnsStatus.CNS1


class FlowMrdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FlowMrd

    marrow = factory.SubFactory(MarrowFactory)
    result_type = models.FlowResultType.QUANTIFIED
    value_pct = 0.02
    lod_pct = 0.005
    cells_analysed = 500_000
    lab = "Central flow lab"


class NgsMrdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.NgsMrd

    marrow = factory.SubFactory(MarrowFactory)
    clone_trackable = True
    result = models.NgsResult.NOT_DETECTED
    lod_fraction = 1e-6


class ResponseCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ResponseCall

    marrow = factory.SubFactory(MarrowFactory)
    response = models.ResponseCategory.CR


class FollowUpContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FollowUpContact

    participant = factory.SubFactory(ParticipantFactory)
    contact_date = _days_after_enrollment(120)
    vital_status = models.VitalStatus.ALIVE
    disease_status = models.DiseaseStatus.CONTINUED_REMISSION

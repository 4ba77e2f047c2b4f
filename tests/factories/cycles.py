import datetime
from decimal import Decimal

import factory

from cycles import models, services
from tests.factories.enrollment import ParticipantFactory


def start_cycle(participant, day1_on: datetime.date, user=None, **kwargs) -> models.Cycle:
    """A started cycle with its planned administrations, through the real service."""
    return services.start_cycle(participant=participant, day1_on=day1_on, user=user, **kwargs)


class CycleFactory(factory.django.DjangoModelFactory):
    """A bare cycle row (no plan); use `start_cycle` when the plan matters."""

    class Meta:
        model = models.Cycle

    participant = factory.SubFactory(ParticipantFactory)
    number = 1
    day1_on = factory.LazyAttribute(lambda o: o.participant.enrolled_on + datetime.timedelta(days=2))
    planned_day1_on = factory.LazyAttribute(lambda o: o.day1_on)
    height_cm = Decimal("170")
    weight_kg = Decimal("70")
    bsa_m2 = Decimal("1.82")


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BlinatumomabSegment

    cycle = factory.SubFactory(CycleFactory)
    started_at = factory.LazyAttribute(
        lambda o: datetime.datetime.combine(o.cycle.day1_on, datetime.time(8), tzinfo=datetime.UTC)
    )
    stopped_at = factory.LazyAttribute(lambda o: o.started_at + datetime.timedelta(hours=48))
    rate_mcg_per_day = Decimal("9")
    stop_reason = models.SegmentStopReason.BAG_CHANGE


class TransplantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Transplant

    participant = factory.SubFactory(ParticipantFactory)
    transplanted_on = factory.LazyAttribute(lambda o: o.participant.enrolled_on + datetime.timedelta(days=90))
    donor_type = models.DonorType.MATCHED_SIBLING
    conditioning_intensity = models.ConditioningIntensity.MYELOABLATIVE
    conditioning_regimen = "TBI 12 Gy + cyclophosphamide"


def post_dose_grid(client, cycle: models.Cycle, day: int, changes: dict[str, dict[str, str]]):
    """What a browser posts from the dose grid of `cycle`'s `day`: every row as rendered (untouched rows as they
    were), with `changes` typed into the rows of the named drugs ({"VDS": {"status": "given", ...}})."""
    from django.urls import reverse

    from tests.factories.integrity import posted_data

    url = reverse("cycles:dose-grid", args=[cycle.pk, day])
    grid = client.get(url).context["grid"]
    data = {grid.management_form.add_prefix(k): v for k, v in posted_data(grid.management_form).items()}
    for form in grid.forms:
        row = {**posted_data(form), **changes.get(form.instance.drug_code, {})}
        data |= {form.add_prefix(name): value for name, value in row.items()}
    return client.post(url, data)

import datetime

import factory

from exports.models import Snapshot, SnapshotStatus
from tests.factories.enrollment import UserFactory


class SnapshotFactory(factory.django.DjangoModelFactory):
    """A requested (queued) snapshot; build it with exports.services.build_snapshot(snapshot.pk)."""

    class Meta:
        model = Snapshot

    created_by = factory.SubFactory(UserFactory)
    cutoff = factory.LazyFunction(datetime.date.today)
    sites = None
    status = SnapshotStatus.QUEUED

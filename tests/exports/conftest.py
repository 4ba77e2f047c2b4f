"""Fixtures of the exports tests: a private export folder and a small two-site trial with history."""

import datetime
import io
import zipfile
from decimal import Decimal

import pghistory
import pytest
from django.contrib.auth import get_user_model

from enrollment.models import ScreeningStatus
from exports import services
from exports.models import Snapshot
from tests.factories import assessments as af
from tests.factories.cycles import SegmentFactory, TransplantFactory, start_cycle
from tests.factories.enrollment import ConsentFactory, ParticipantFactory, ScreeningFactory
from tests.factories.exports import SnapshotFactory

HYPERLINK = '=HYPERLINK("x")'
UNICODE_NAME = "Zoë 李"


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


@pytest.fixture
def trial(site_a, site_b, coordinator, coordinator_b):
    """Two participants at site 01 (one edited with a reason), one at 02, a screen failure at 01."""
    with pghistory.context(user=coordinator.pk, reason="Initial entry"):
        a1 = ParticipantFactory(
            screening__site=site_a,
            screening__birth_date=datetime.date(1990, 2, 28),
            screening__age_years=None,
            height_cm=Decimal("171.5"),
            weight_kg=Decimal("-1.5"),
        )
        a2 = ParticipantFactory(screening__site=site_a, screening__ecog=None, screening__ph_test_method="")
        ScreeningFactory(
            site=site_a,
            status=ScreeningStatus.SCREEN_FAILED,
            screen_fail_reason=HYPERLINK,
            initials="ZZ",
            ecog=None,
            ph_test_date=None,
        )
        ConsentFactory(screening=a2.screening, obtained_by=UNICODE_NAME, document_version="2.0")
    with pghistory.context(user=coordinator_b.pk, reason="Initial entry"):
        b1 = ParticipantFactory(screening__site=site_b)
    with pghistory.context(user=coordinator.pk, reason="Transcription error"):
        a1.height_cm = Decimal("172.0")
        a1.row_version += 1
        a1.save()
    treat_and_assess(a2, coordinator)
    return {"a1": a1, "a2": a2, "b1": b1}


def treat_and_assess(participant, user) -> None:
    """A row in every treatment and assessment form: cycle 1 with its planned administrations, an infusion
    segment, EOC1 marrow with CBC, EMD, flow and NGS MRD and the investigator's call, a follow-up contact
    and a transplant (all dated in the past)."""
    day = lambda n: participant.enrolled_on + datetime.timedelta(days=n)  # noqa: E731
    with pghistory.context(user=user.pk, reason="Initial entry"):
        cycle = start_cycle(participant, day1_on=day(2), user=user)
        SegmentFactory(cycle=cycle, rate_mcg_per_day=Decimal("9.5"))
        marrow = af.MarrowFactory(participant=participant, sample_date=day(30), blasts_pct=2.5)
        af.BloodCountFactory(participant=participant, sample_date=day(29), anc_e9_per_l=1.25)
        af.EmdFactory(participant=participant, assessed_on=day(30))
        af.FlowMrdFactory(marrow=marrow, value_pct=0.0123, lab=UNICODE_NAME)
        af.NgsMrdFactory(marrow=marrow)
        af.ResponseCallFactory(marrow=marrow)
        af.FollowUpContactFactory(participant=participant, contact_date=day(45))
        TransplantFactory(participant=participant, transplanted_on=day(50))


def build(user, *, cutoff=None, sites=None) -> Snapshot:
    """Request (sites resolved as the view does) and build a snapshot as `user` inline; return it refreshed."""
    sites = services.resolve_sites(user, sites)
    snapshot = SnapshotFactory(created_by=user, cutoff=cutoff or datetime.date.today(), sites=sites)
    services.build_snapshot(snapshot.pk)
    snapshot.refresh_from_db()
    return snapshot


def open_zip(snapshot: Snapshot) -> zipfile.ZipFile:
    with services.open_snapshot(snapshot) as fh:
        return zipfile.ZipFile(io.BytesIO(fh.read()))


DEMO_PARTICIPANTS = 8


@pytest.fixture(scope="session")
def demo_zip(django_db_setup, django_db_blocker) -> zipfile.ZipFile:
    """The zip of a snapshot of the demo trial (8 participants, treated, assessed, with AEs, one of them removed,
    an edit with a reason and two e-signatures), built once per test run inside a transaction rolled back after
    it: the demo takes minutes on a busy machine, and every format module compares files of this one zip."""
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from blinatrial import access
    from enrollment import demo
    from enrollment.models import Participant
    from integrity.models import DataVersion, Signature
    from integrity.services import soft_delete_record
    from integrity.signatures import content_hash
    from safety.models import AdverseEvent

    with django_db_blocker.unblock(), transaction.atomic():
        # The rows a transactional test's flush removes (tests/conftest.py puts them back per test, not per run).
        DataVersion.objects.get_or_create(pk=1, defaults={"version": 0})
        for role in access.ROLES:
            Group.objects.get_or_create(name=role)
        demo.create_demo_trial(participants=DEMO_PARTICIPANTS)
        first = Participant.objects.order_by("participant_id").first()
        investigator = get_user_model().objects.get(username="investigator")
        with pghistory.context(user=investigator.pk, reason="Transcription error"):
            first.weight_kg = Decimal("70.5")
            first.row_version += 1
            first.save()
        removed = AdverseEvent.objects.filter(participant__site__code="01").order_by("pk").first()
        soft_delete_record(removed, user=get_user_model().objects.get(username="coordinator"), reason="Duplicate")
        removed_ae = (removed.participant.participant_id, removed.reference)
        for timepoint, meaning in (("EOC1", "approved"), ("", "responsibility")):
            Signature.objects.create(
                participant=first,
                timepoint=timepoint,
                signer=investigator,
                printed_name="Dr Demo",
                meaning=meaning,
                signed_at=timezone.now(),
                content_hash=content_hash(first, timepoint),
            )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            services.write_contents(
                archive,
                cutoff=datetime.date.today(),
                site_codes=None,
                created_at=timezone.now(),
                created_by="test",
            )
        transaction.set_rollback(True)
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    archive.removed_ae = removed_ae  # (participant ID, AE number): for the tests to look for
    return archive

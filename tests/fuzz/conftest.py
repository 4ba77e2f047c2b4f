"""One world for the whole fuzz module: a trial with a record behind every URL, and a session per role.

It is built once, inside a transaction held open for the module and rolled back at its end; each test runs in a
savepoint of it (pytest-django's `db`), so what one route's fuzzing saves never reaches another route's test.
"""

import datetime
from types import SimpleNamespace

import pghistory
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from assessments.models import BloodCount
from blinatrial import access
from cycles.models import Cycle
from endpoints.models import DashboardPanel
from enrollment.models import StaffProfile
from integrity.models import DataVersion
from tests.factories.api import make_token
from tests.factories.assessments import (
    BloodCountFactory,
    EmdFactory,
    FlowMrdFactory,
    FollowUpContactFactory,
    MarrowFactory,
    NgsMrdFactory,
    ResponseCallFactory,
)
from tests.factories.cycles import SegmentFactory, TransplantFactory, start_cycle
from tests.factories.endpoints import store_synthetic_snapshot, synthetic_cohort
from tests.factories.enrollment import ConsentFactory, ParticipantFactory, ScreeningFactory, SiteFactory, UserFactory
from tests.factories.exports import SnapshotFactory
from tests.factories.integrity import DataQueryFactory, LockFactory
from tests.factories.safety import (
    AdverseEventFactory,
    ChemistryPanelFactory,
    ConcomitantMedicationFactory,
    CrsAdverseEventFactory,
    CrsAssessmentFactory,
    IcansAssessmentFactory,
    SaeFollowUpReportFactory,
)
from tests.fuzz.hostile import MARKUP
from tests.fuzz.routes import ANONYMOUS, CUTOFF, SUPERUSER, UNVERIFIED
from tests.login import verified_login

PLOT_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text x="1" y="9">plot</text></svg>'


def unverified_login(user) -> str:
    """A session signed in with the password only (no code yet)."""
    client = Client()
    client.force_login(user)
    return client.session.session_key


def _build_world() -> SimpleNamespace:
    DataVersion.objects.get_or_create(pk=1, defaults={"version": 0})
    for role in access.ROLES:
        Group.objects.get_or_create(name=role)
    # Stored markup: text that every page showing it must escape (checked on every response).
    site = SiteFactory(code="01", name=f"Site A {MARKUP[0]}")
    other = SiteFactory(code="02", name=f"Site B {MARKUP[1]}")
    users = {
        access.COORDINATOR: UserFactory(
            username="fz_coord", role=access.COORDINATOR, sites=[site], last_name=MARKUP[2]
        ),
        access.INVESTIGATOR: UserFactory(username="fz_inv", role=access.INVESTIGATOR, sites=[site]),
        access.DATA_MANAGER: UserFactory(username="fz_dm", role=access.DATA_MANAGER),
        access.MONITOR: UserFactory(username="fz_mon", role=access.MONITOR, sites=[site]),
        SUPERUSER: UserFactory(username="fz_admin", is_superuser=True, is_staff=True),
    }
    StaffProfile.objects.create(user=users[access.DATA_MANAGER], all_sites=True)
    screening = ScreeningFactory(site=site)  # eligible, not yet enrolled
    consent = ConsentFactory(screening=screening, obtained_by=MARKUP[3])
    participant = ParticipantFactory(screening__site=site)
    cycle = start_cycle(participant, participant.enrolled_on + datetime.timedelta(days=2), users[access.COORDINATOR])
    marrow_on = cycle.day1_on + datetime.timedelta(days=27)
    marrow = MarrowFactory(participant=participant, sample_date=marrow_on)
    records = {
        "marrow": marrow,
        "cbc": BloodCountFactory(participant=participant, sample_date=marrow_on),
        "emd": EmdFactory(participant=participant, assessed_on=marrow_on),
        "followup": FollowUpContactFactory(participant=participant),
        "flow": FlowMrdFactory(marrow=marrow),
        "ngs": NgsMrdFactory(marrow=marrow),
        "call": ResponseCallFactory(marrow=marrow, comment=MARKUP[4]),
    }
    crs_ae = CrsAdverseEventFactory(participant=participant, treatment_given=MARKUP[4])
    safety = {
        "ae": AdverseEventFactory(participant=participant),
        "chemistry": ChemistryPanelFactory(participant=participant),
        "conmed": ConcomitantMedicationFactory(participant=participant),
        "crs": CrsAssessmentFactory(adverse_event=crs_ae),
        "icans": IcansAssessmentFactory(adverse_event=crs_ae),
        "saefollowup": SaeFollowUpReportFactory(adverse_event__participant=participant),
    }
    with pghistory.context(reason=MARKUP[5], user=users[access.COORDINATOR].pk):  # shown by the audit pages
        records["cbc"].hb_g_per_l = 95
        records["cbc"].save()
    locked = ParticipantFactory(screening__site=site)
    ParticipantFactory(screening__site=other)
    for cutoff in (CUTOFF, timezone.localdate()):  # a stored result for the default cut-off: no recompute per page
        store_synthetic_snapshot(synthetic_cohort(4, cutoff), cutoff, draw_plots=False)
    DashboardPanel.objects.update(plots=dict.fromkeys(("os", "efs", "mrd", "swimmer"), PLOT_SVG))
    return SimpleNamespace(
        site=site,
        users=users,
        screening=screening,
        consent=consent,
        participant=participant,
        cycle=Cycle.objects.get(pk=cycle.pk),
        administration=cycle.administrations.order_by("pk").first(),
        segment=SegmentFactory(cycle=cycle),
        transplant=TransplantFactory(participant=participant, conditioning_regimen=MARKUP[0], notes=MARKUP[1]),
        marrow=marrow,
        records=records,
        safety=safety,
        crs_ae=crs_ae,
        cbc=records["cbc"],
        ct_cbc=ContentType.objects.get_for_model(BloodCount).pk,
        query=DataQueryFactory(record=participant, raised_by=users[access.DATA_MANAGER], text=MARKUP[2]),
        lock=LockFactory(
            scope="participant", participant=locked, locked_by=users[access.DATA_MANAGER], reason=MARKUP[3]
        ),
        snapshot=SnapshotFactory(created_by=users[access.DATA_MANAGER]),
        api_token=make_token(users[access.COORDINATOR], name=MARKUP[4])[0],  # its revoke form is on the list page
        sessions={
            **{role: verified_login(user) for role, user in users.items()},
            UNVERIFIED: unverified_login(UserFactory(username="fz_inv2", role=access.INVESTIGATOR, sites=[site])),
        },
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    # Hostile passwords are checked hundreds of times: a fast hash (the world's users get it too).
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def clients(world, db) -> dict[str, Client]:
    """A browser per role, signed in (one session each, made once for the module)."""
    out = {ANONYMOUS: Client()}
    for role, session_key in world.sessions.items():
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
        out[role] = client
    return out

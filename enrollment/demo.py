"""Demo sites, users (one per role) and a synthetic trial. Demo only: refused unless settings.DEMO_ALLOWED.

The trial is written through the same services as the views (screen, consent, enroll), then each
participant gets treatment and assessments from the cycles and assessments demo modules when present.
"""

import base64
import random
import string
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_otp.plugins.otp_totp.models import TOTPDevice

from blinatrial import access
from enrollment import rules, services
from enrollment.models import Participant, ScreeningRecord, ScreeningStatus, Site, StaffProfile, StudySettings
from enrollment.protocol import ENROLLMENT_PROTOCOL

DEMO_PASSWORD = "blina-demo-2026"  # noqa: S105  # nosec B105
# The authenticator key of the demo investigator and data manager (demo only, published like the password): add it
# to an authenticator app (README, or the key the demo command prints) to sign in as them.
DEMO_TOTP_KEY = b"blina-demo-totp-2026".hex()


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str | None
    site_codes: tuple[str, ...]
    full_name: str
    all_sites: bool = False
    superuser: bool = False


DEMO_SITES = (("01", "Demo University Hospital"), ("02", "Demo Regional Cancer Centre"))
DEMO_USERS = (
    DemoUser("coordinator", access.COORDINATOR, ("01",), "Chen Li"),
    DemoUser("coordinator2", access.COORDINATOR, ("02",), "Wang Fang"),
    DemoUser("investigator", access.INVESTIGATOR, ("01", "02"), "Dr Zhang Wei"),
    DemoUser("datamanager", access.DATA_MANAGER, (), "Liu Yang", all_sites=True),
    DemoUser("monitor", access.MONITOR, ("01",), "Zhao Min"),
    DemoUser("admin", None, (), "System Administrator", all_sites=True, superuser=True),
)


@transaction.atomic
def create_demo_sites_and_users() -> list[DemoUser]:
    sites = {code: Site.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in DEMO_SITES}
    User = get_user_model()
    for spec in DEMO_USERS:
        first, _, last = spec.full_name.rpartition(" ")
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={"first_name": first, "last_name": last, "is_staff": spec.superuser,
                      "is_superuser": spec.superuser},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if spec.role:
            user.groups.add(Group.objects.get(name=spec.role))
        for code in spec.site_codes:
            sites[code].users.add(user)
        StaffProfile.objects.update_or_create(
            user=user, defaults={"all_sites": spec.all_sites, "printed_name": spec.full_name}
        )
        if access.two_factor_required(user) and not access.has_second_factor(user):
            TOTPDevice.objects.create(user=user, name="authenticator", key=DEMO_TOTP_KEY, confirmed=True)
    return list(DEMO_USERS)


def demo_totp_secret() -> str:
    """The demo authenticator key as an app takes it typed in (base32)."""
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode().rstrip("=")


DEMO_SPAN_DAYS = 730  # screening dates spread over the last ~2 years
DEMO_RECENT_DAYS = 40  # the last candidates were screened about this long ago
SITE_COORDINATORS = {"01": "coordinator", "02": "coordinator2"}
SCREEN_FAIL_EVERY = 5  # one extra screen failure per this many participants
# The cause of each extra screen failure: screening data (the data criteria follow it) or a tick.
SCREEN_FAIL_CAUSES = (
    {"ph_result": "POSITIVE"}, {"cns_status": "CNS3"}, {"criteria": {"EXC_INFECTION": "met"}},
    {"bilirubin_x_uln": Decimal("2.4")},
)


# The demo `make run` serves leaves room to work: 17 of the 20 places enrolled, and one eligible, consented
# candidate waiting at each coordinator's site (the coordinator's home page lists them as ready to enroll).
DEMO_ENROLLED = 17
DEMO_WAITING = 2


def create_demo_trial(*, participants: int = DEMO_ENROLLED, waiting: int = 0, seed: int = 2026) -> dict[str, int]:
    """Screen, consent and enroll demo participants at sites 01/02 (plus a few screen failures), then screen and
    consent `waiting` eligible candidates left for a coordinator to enroll.

    Idempotent: participants already present count towards `participants`, candidates already waiting towards
    `waiting`; nothing is redone.
    """
    create_demo_sites_and_users()
    existing = Participant.objects.live().filter(site__code__in=SITE_COORDINATORS).count()
    _raise_target(participants + waiting)
    sites = {s.code: s for s in Site.objects.filter(code__in=SITE_COORDINATORS)}
    users = {code: get_user_model().objects.get(username=name) for code, name in SITE_COORDINATORS.items()}
    # One endpoint recompute at the end instead of one per saved record (endpoints.triggers).
    with (_optional("endpoints.triggers.suppressed") or nullcontext)():
        created, failed = _demo_candidates(existing, participants, seed, sites, users)
        added_waiting = _demo_waiting(waiting, seed, sites, users)
    return {"existing": existing, "created": created, "screen_failures": failed, "waiting": added_waiting}


def _demo_waiting(waiting: int, seed: int, sites: dict, users: dict) -> int:
    """Eligible candidates, screened and consented in the last days, not enrolled: one per site in turn."""
    present = ScreeningRecord.objects.filter(
        site__code__in=SITE_COORDINATORS, status=ScreeningStatus.SCREENING,
        consents__is_deleted=False, is_deleted=False,
    ).distinct().count()
    today = timezone.localdate()
    codes = sorted(SITE_COORDINATORS)
    for index in range(present, waiting):
        rng = random.Random(f"{seed}-waiting-{index}")  # nosec B311
        code = codes[index % len(codes)]
        screened_on = today - timedelta(days=4 + index)
        screening = _candidate(sites[code], users[code], screened_on, rng)
        services.record_consent(
            screening=screening, document_version=ENROLLMENT_PROTOCOL.approved_consent_versions(on=today)[-1],
            signed_on=today - timedelta(days=1), obtained_by="Dr Zhang Wei", user=users[code],
        )
    return max(waiting - present, 0)


def _demo_candidates(first: int, total: int, seed: int, sites: dict, users: dict) -> tuple[int, int]:
    today = timezone.localdate()
    created = failed = 0
    for index in range(first, total):
        # Synthetic demo data (not security); one generator per participant, so a re-run continues.
        rng = random.Random(f"{seed}-{index}")  # nosec B311
        code = "01" if rng.random() < 0.6 else "02"
        screened_on = _screening_date(index, total, today, rng)
        if index % SCREEN_FAIL_EVERY == SCREEN_FAIL_EVERY - 1:
            _demo_screen_failure(sites[code], users[code], screened_on - timedelta(days=3), rng)
            failed += 1
        participant = _demo_participant(sites[code], users[code], screened_on, today, rng)
        _demo_clinical_data(participant, users[code], rng)
        created += 1
    return created, failed


def _raise_target(participants: int) -> None:
    """A larger demo (benchmarks) raises the target, as a data manager would."""
    settings = StudySettings.current()
    if settings.target_enrollment < participants:
        StudySettings.objects.filter(pk=settings.pk).update(target_enrollment=participants)


def _screening_date(index: int, total: int, today: date, rng: random.Random) -> date:
    span = DEMO_SPAN_DAYS - DEMO_RECENT_DAYS
    return today - timedelta(days=DEMO_SPAN_DAYS - int(span * index / max(total - 1, 1)) - rng.randint(0, 3))


def _candidate(site: Site, user, screened_on: date, rng: random.Random, **changes) -> ScreeningRecord:
    """An eligible candidate's screening data (eligibility is derived from them), with `changes`."""
    age = rng.randint(ENROLLMENT_PROTOCOL.min_age_years, ENROLLMENT_PROTOCOL.max_age_years)
    values = {
        "initials": "".join(rng.choice(string.ascii_uppercase) for _ in range(2)),
        "sex": rng.choice("FM"),
        "birth_date": screened_on - timedelta(days=365 * age + rng.randint(10, 350)),
        "ph_test_method": rng.choice(["FISH", "PCR"]),
        "ph_test_date": screened_on - timedelta(days=rng.randint(1, 5)),
        "ph_result": "NEGATIVE",
        "ecog": rng.choice([0, 0, 1, 1, 1, 2]),
        "cns_status": rng.choice(["CNS1", "CNS1", "CNS1", "CNS2"]),
        "bilirubin_x_uln": Decimal(f"{rng.uniform(0.3, 1.3):.2f}"),
        "alt_x_uln": Decimal(f"{rng.uniform(0.4, 2.5):.2f}"),
        "creatinine_x_uln": Decimal(f"{rng.uniform(0.5, 1.2):.2f}"),
    }
    criteria = {**_ticked_criteria(), **changes.pop("criteria", {})}
    return services.screen_candidate(site=site, user=user, screened_on=screened_on, criteria=criteria,
                                     **{**values, **changes})


def _ticked_criteria() -> dict[str, str]:
    """The checklist at screening: the criteria without data ticked as required; the data criteria (consent
    included, recorded later) are left to their data."""
    return {c.code: "not_assessed" if c.data_field else c.required_answer for c in ENROLLMENT_PROTOCOL.criteria}


def _demo_screen_failure(site: Site, user, screened_on: date, rng: random.Random) -> ScreeningRecord:
    screening = _candidate(site, user, screened_on, rng, **rng.choice(SCREEN_FAIL_CAUSES))
    reason = "; ".join(f for f in screening.eligibility.failed if "not assessed" not in f)
    return services.screen_fail(screening=screening, reason=reason, user=user)


def _demo_participant(site: Site, user, screened_on: date, today: date, rng: random.Random) -> Participant:
    screening = _candidate(site, user, screened_on, rng)
    signed_on = screened_on + timedelta(days=rng.randint(0, 2))
    version = ENROLLMENT_PROTOCOL.approved_consent_versions(on=signed_on)[-1]
    services.record_consent(
        screening=screening, document_version=version, signed_on=signed_on,
        obtained_by="Dr Zhang Wei", user=user,
    )
    screening.refresh_from_db()
    height = rng.gauss(175 if screening.sex == "M" else 162, 7)
    weight = rng.uniform(19, 30) * (height / 100) ** 2  # BMI 19-30
    return services.enroll_participant(
        screening=screening, enrolled_on=min(signed_on + timedelta(days=rng.randint(1, 6)), today),
        height_cm=Decimal(f"{height:.1f}"), weight_kg=Decimal(f"{weight:.1f}"), user=user,
    )


def _optional(path: str):
    try:
        return import_string(path)
    except ImportError:
        return None


def _demo_clinical_data(participant: Participant, user, rng: random.Random) -> None:
    """Treatment, then assessments and safety, from the other apps' demo modules (skipped if not in this build)."""
    add_treatment = _optional("cycles.demo.add_demo_treatment")
    treatment = add_treatment(participant, rng=rng, user=user) if add_treatment else None
    add_assessments = _optional("assessments.demo.add_demo_assessments")
    if add_assessments and treatment is not None:
        died_on = add_assessments(participant, rng=rng, user=user, treatment=treatment)
        add_safety = _optional("safety.demo.add_demo_safety")
        if add_safety:
            add_safety(participant, rng=rng, user=user, treatment=treatment)
        _demo_lifecycle(participant, user, treatment_end=treatment.get("treatment_end"), died_on=died_on)


def _demo_lifecycle(participant: Participant, user, *, treatment_end: date | None, died_on: date | None) -> None:
    """As a coordinator records it: follow-up once protocol treatment is over, off study at death."""
    participant.refresh_from_db()
    if participant.status != rules.ON_TREATMENT:
        return
    if treatment_end is not None and (died_on is None or treatment_end < died_on):
        participant = services.change_status(
            participant=participant, to_status=rules.FOLLOW_UP, on=treatment_end,
            reason="Protocol treatment completed", user=user,
        )
    if died_on is not None:
        services.change_status(
            participant=participant, to_status=rules.OFF_STUDY, on=died_on, reason="death", user=user
        )

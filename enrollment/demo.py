"""Demo sites and users (one per role). Demo only: refused unless settings.DEMO_ALLOWED."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from blinatrial import access
from enrollment.models import Site, StaffProfile

DEMO_PASSWORD = "blina-demo-2026"  # noqa: S105  # nosec B105


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
    return list(DEMO_USERS)

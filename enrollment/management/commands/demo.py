from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from blinatrial import access
from enrollment.demo import (
    DEMO_ENROLLED,
    DEMO_PASSWORD,
    DEMO_WAITING,
    create_demo_sites_and_users,
    create_demo_trial,
    demo_totp_secret,
)


class Command(BaseCommand):
    help = "Create demo sites, one demo user per role and a synthetic trial (idempotent; never in production)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--participants", type=int, default=DEMO_ENROLLED,
                            help=f"Participants to enroll (default {DEMO_ENROLLED}).")
        parser.add_argument("--waiting", type=int, default=DEMO_WAITING,
                            help=f"Eligible, consented candidates left to enroll (default {DEMO_WAITING}).")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_ALLOWED:
            raise CommandError("The demo is refused here: DEBUG is off (set BLINATRIAL_DEMO_ALLOWED=true to force).")
        users = create_demo_sites_and_users()
        trial = create_demo_trial(
            participants=options["participants"], waiting=options["waiting"], seed=options["seed"]
        )
        self.stdout.write(
            f"Demo trial: {trial['created']} participants enrolled now ({trial['existing']} already present), "
            f"{trial['screen_failures']} screen failures, {trial['waiting']} candidates now waiting to be enrolled."
        )
        self.stdout.write(self.style.SUCCESS("Demo logins (demo only) — password for all: " + DEMO_PASSWORD))
        for u in users:
            self.stdout.write(f"  {u.username:<14} {u.role or 'superuser'}")
        signers = ", ".join(u.username for u in users if u.role in access.TWO_FACTOR_ROLES)
        self.stdout.write(
            f"Two-factor sign-in ({signers}): add this key to an authenticator app (TOTP, 6 digits, 30 s): "
            + demo_totp_secret()
        )

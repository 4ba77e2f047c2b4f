from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from enrollment.demo import DEMO_PASSWORD, create_demo_sites_and_users


class Command(BaseCommand):
    help = "Create demo sites, one demo user per role and a synthetic trial (idempotent; never in production)."

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_ALLOWED:
            raise CommandError("The demo is refused here: DEBUG is off (set BLINATRIAL_DEMO_ALLOWED=true to force).")
        users = create_demo_sites_and_users()
        self.stdout.write(self.style.SUCCESS("Demo logins (demo only) — password for all: " + DEMO_PASSWORD))
        for u in users:
            self.stdout.write(f"  {u.username:<14} {u.role or 'superuser'}")

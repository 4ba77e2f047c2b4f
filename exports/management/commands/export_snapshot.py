"""Build a snapshot from the command line (scheduled exports): same files, same audit, same storage.

python manage.py export_snapshot --cutoff 2026-06-30 [--sites 01,02] [--user datamanager] [--output path]
"""

import shutil
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from enrollment.models import Site
from exports import services
from exports.models import Snapshot, SnapshotStatus


class Command(BaseCommand):
    help = "Build a CSV snapshot (zip) now, without the task queue, and print where it is."

    def add_arguments(self, parser):
        parser.add_argument("--cutoff", required=True, help="Data cut-off, YYYY-MM-DD.")
        parser.add_argument("--sites", default="", help="Comma-separated site codes (default: every site).")
        parser.add_argument("--user", default="", help="Username recorded as the creator; limits sites to theirs.")
        parser.add_argument("--output", default="", help="Also copy the zip to this path (never overwritten).")

    def handle(self, *args, cutoff: str, sites: str, user: str, output: str, **options):
        try:
            cutoff_date = date.fromisoformat(cutoff)
        except ValueError:
            raise CommandError(f"--cutoff must be a date YYYY-MM-DD, got {cutoff!r}.") from None
        codes = sorted({c.strip() for c in sites.split(",") if c.strip()}) or None
        if codes:
            unknown = set(codes) - set(Site.objects.filter(code__in=codes).values_list("code", flat=True))
            if unknown:
                raise CommandError(f"Unknown site code(s): {', '.join(sorted(unknown))}.")
        creator = None
        if user:
            creator = get_user_model().objects.filter(username=user).first()
            if creator is None:
                raise CommandError(f"No user {user!r}.")
            if not services.may_export(creator):
                raise CommandError(f"{user} may not export snapshots (data managers and monitors only).")
            try:
                codes = services.resolve_sites(creator, codes)
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from None
        target = Path(output) if output else None
        if target is not None and target.exists():
            raise CommandError(f"{target} exists; snapshots are never overwritten.")

        snapshot = Snapshot.objects.create(created_by=creator, cutoff=cutoff_date, sites=codes)
        services.build_snapshot(snapshot.pk)
        snapshot.refresh_from_db()
        if snapshot.status != SnapshotStatus.DONE:
            raise CommandError(f"Snapshot {snapshot.pk} failed: {snapshot.error}")
        path = services.snapshot_path(snapshot)
        if target is not None:
            with open(path, "rb") as src, open(target, "xb") as dst:  # "x": refuse to overwrite
                shutil.copyfileobj(src, dst)
        self.stdout.write(f"snapshot {snapshot.pk}: {target or path}")
        self.stdout.write(
            f"sha256 {snapshot.sha256}  {snapshot.size_bytes} bytes  data version {snapshot.data_version}"
        )

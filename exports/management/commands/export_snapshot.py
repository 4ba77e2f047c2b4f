"""Build a snapshot from the command line (scheduled exports): same files, same audit, same storage.

python manage.py export_snapshot [--cutoff 2026-06-30] [--sites 01,02] [--user datamanager] [--output path]

Without --cutoff the data cut-off is today, so a cron line needs no date arithmetic. The build runs in
this process (no task queue needed); the snapshot is listed on the snapshots page like any other.
"""

import shutil
from datetime import date
from pathlib import Path

import pghistory
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enrollment.models import Site
from exports import rules, services
from exports.models import Snapshot, SnapshotStatus


class Command(BaseCommand):
    help = "Build a CSV snapshot (zip) now, without the task queue, and print where it is."

    def add_arguments(self, parser):
        parser.add_argument("--cutoff", default="", help="Data cut-off, YYYY-MM-DD (default: today).")
        parser.add_argument("--sites", default="", help="Comma-separated site codes (default: every site).")
        parser.add_argument("--user", default="", help="Username recorded as the creator; limits sites to theirs.")
        parser.add_argument("--output", default="", help="Also copy the zip to this path (never overwritten).")

    def handle(self, *args, cutoff: str, sites: str, user: str, output: str, **options):
        try:
            cutoff_date = date.fromisoformat(cutoff) if cutoff else timezone.localdate()
        except ValueError:
            raise CommandError(f"--cutoff must be a date YYYY-MM-DD, got {cutoff!r}.") from None
        if problem := rules.cutoff_problem(cutoff_date, timezone.localdate()):
            raise CommandError(problem)
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

        # The audit trail of the snapshot row says it came from this command (and for whom).
        with pghistory.context(user=creator.pk if creator else None, command="export_snapshot"):
            snapshot = Snapshot.objects.create(created_by=creator, cutoff=cutoff_date, sites=codes)
        services.build_snapshot(snapshot.pk)
        snapshot.refresh_from_db()
        if snapshot.status != SnapshotStatus.DONE:
            raise CommandError(f"Snapshot {snapshot.pk} failed: {snapshot.error}")
        if target is not None:
            with services.open_snapshot(snapshot) as src, open(target, "xb") as dst:  # "x": refuse to overwrite
                shutil.copyfileobj(src, dst)
        copied = f" (copied to {target})" if target is not None else ""
        self.stdout.write(f"snapshot {snapshot.pk}: {snapshot.file_name}{copied}")
        self.stdout.write(
            f"sha256 {snapshot.sha256}  {snapshot.size_bytes} bytes  data version {snapshot.data_version}"
        )

"""Issue 3, acceptance 5: the screening log and the participant list with 2,000 synthetic participants.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bt_enrollment_bench .venv/bin/python benchmarks/enrollment_pages.py

Recreates that scratch database, migrates it, bulk-loads N participants (screening, consent, participant;
synthetic rows, not the services: the point is the page, not the load), then times each page in-process
with Django's test client (median and max of --repeat requests, data manager = every site) and counts its
SQL queries. Verdict: every page under one second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bt_enrollment_bench"


def recreate_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def load(n: int) -> None:
    import datetime

    from enrollment import models, rules
    from enrollment.protocol import ENROLLMENT_PROTOCOL

    sites = [models.Site.objects.get_or_create(code=c, defaults={"name": f"Site {c}"})[0] for c in ("01", "02")]
    today = datetime.date.today()
    answers = {c.code: c.required_answer for c in ENROLLMENT_PROTOCOL.criteria}
    screenings = models.ScreeningRecord.objects.bulk_create(
        models.ScreeningRecord(
            site=sites[i % 2], screening_number=rules.format_screening_number(sites[i % 2].code, i // 2 + 1),
            screened_on=today - datetime.timedelta(days=700 - i % 650), initials="AB", sex="F", age_years=30 + i % 25,
            criteria=answers | ({"EXC_CNS3": "met"} if i % 7 == 0 else {}), status=rules.ENROLLED,
        )
        for i in range(n)
    )
    models.Consent.objects.bulk_create(
        models.Consent(screening=s, document_version="1.1", signed_on=s.screened_on, obtained_by="Dr X")
        for s in screenings
    )
    models.Participant.objects.bulk_create(
        models.Participant(
            screening=s, site=s.site, sequence=i // 2 + 1,
            participant_id=rules.format_participant_id(s.site.code, i // 2 + 1),
            enrolled_on=s.screened_on, height_cm=170, weight_kg=70, status=rules.ENROLLED, status_on=s.screened_on,
        )
        for i, s in enumerate(screenings)
    )


def time_page(client, url: str, repeat: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), max(timings), len(ctx.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blinatrial.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    recreate_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    load(args.participants)
    from blinatrial import access
    from enrollment.models import StaffProfile
    from tests.factories.enrollment import UserFactory  # a data manager sees every site

    user = UserFactory(username="bench_dm", role=access.DATA_MANAGER)
    StaffProfile.objects.create(user=user, all_sites=True)
    client = Client()
    client.force_login(user)
    pages = ["/enrollment/screening/", "/enrollment/screening/?sort=-status&page=40",
             "/enrollment/participants/", "/enrollment/participants/?sort=-enrolled&page=50",
             "/enrollment/participants/?q=02-09&status=enrolled"]
    worst = 0.0
    print(f"{args.participants} participants, {args.repeat} requests per page")
    for page in pages:
        median, slowest, queries = time_page(client, page, args.repeat)
        worst = max(worst, slowest)
        print(f"  {page:<55} median {median * 1000:7.1f} ms   max {slowest * 1000:7.1f} ms   {queries} queries")
    print("verdict:", "PASS (every page under 1 s)" if worst < 1.0 else "FAIL (a page took 1 s or more)")
    return 0 if worst < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())

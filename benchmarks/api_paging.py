"""API paging at trial scale (issue 19, acceptance 5): every audit event of a trial with 100,000 events, pulled
through /api/v1/audit/ with its cursor while records are written in parallel, comes back exactly once, and the
serving process's memory stays flat.

    .venv/bin/python benchmarks/api_paging.py [--events 100000] [--page-size 1000]

Against a scratch database `blinatrial_bench_api` on the server of BENCH_DATABASE_URL (recreated). The demo
trial is loaded, then blood counts are bulk-inserted until the audit trail holds --events events (each insert
is an audit event, written by the pghistory trigger). The pages are served by gunicorn (one sync worker,
production settings over plain http), whose worker's resident memory is measured; the client signs in with an
API token of the demo data manager, and a second thread saves a blood count every 20 ms for as long as the
paging runs. The trail is pulled twice: the first pull warms the worker up (its growth is printed, not judged);
the second, with the writes, is the one checked. Exit status 0 when every event
that existed before the paging began came back exactly once, no event came back twice, and the resident memory
grew by at most 32 MB from the third page of the second pull to its last.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from httpbench import Client  # noqa: E402

BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/blinatrial_bench")
DATABASE_URL = BENCH_DATABASE_URL.rsplit("/", 1)[0] + "/blinatrial_bench_api"
MEMORY_LIMIT_MB = 32
WARM_UP_PAGES = 3  # memory is measured from the third page on: the first pages load code and caches


def recreate_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blinatrial.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["API_THROTTLE_RATE"] = "1000000/hour"
    # Production settings (DEBUG on would keep every query in memory), over plain http in this process.
    os.environ.update({
        "DJANGO_DEBUG": "false", "BLINATRIAL_LOCAL_HTTP": "true", "BLINATRIAL_DEMO_ALLOWED": "true",
        "DJANGO_ALLOWED_HOSTS": "testserver", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    })
    import django

    django.setup()


def blood_count(participant, n: int):
    from assessments.models import BloodCount

    return BloodCount(
        participant=participant, sample_date=participant.enrolled_on + datetime.timedelta(days=1 + n % 60),
        anc_e9_per_l=Decimal("1.80"), platelets_e9_per_l=Decimal("160"), hb_g_per_l=Decimal("112"),
        wbc_e9_per_l=Decimal("4.10"), circulating_blasts="ABSENT",
    )


def audit_event_count() -> int:
    from integrity.audit import audited_models, event_model_for

    return sum(event_model_for(model).objects.count() for model in audited_models())


def grow(events: int) -> None:
    """Bulk-insert blood counts until the audit trail holds `events` events."""
    from assessments.models import BloodCount
    from endpoints import triggers
    from enrollment.models import Participant

    participants = list(Participant.objects.filter(is_deleted=False).exclude(status="off_study"))
    missing = events - audit_event_count()
    batch = 5000
    with triggers.suppressed():
        done = 0
        while done < missing:
            size = min(batch, missing - done)
            BloodCount.objects.bulk_create([blood_count(participants[(done + i) % len(participants)], done + i)
                                            for i in range(size)])
            done += size
            print(f"  {done} of {missing} events added", flush=True)


@contextmanager
def server():
    """gunicorn with one sync worker on the scratch database; yields (port, the worker's RSS in MB)."""
    import psutil

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).parent / "gunicorn"), "blinatrial.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "120"],
        cwd=REPO, env=env, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                Client("127.0.0.1", port).get("/health")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)

        def worker_rss() -> float:
            workers = psutil.Process(proc.pid).children()
            return sum(w.memory_info().rss for w in workers) / 2**20

        yield port, worker_rss
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()

    recreate_database(DATABASE_URL)
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from api import audit_feed
    from api.tokens import create_token
    from endpoints import triggers
    from enrollment.models import Participant
    from integrity.audit import audited_models, event_model_for, model_key

    print("loading the demo trial ...", flush=True)
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, stdout=io.StringIO())
    print(f"growing the audit trail to {args.events} events ...", flush=True)
    grow(args.events)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    before = set()
    for model in audited_models():  # the events the feed shows a user of every site, as the feed selects them
        events = audit_feed._scoped(model, event_model_for(model).objects.all(), None, "", "")
        if events is not None:
            before |= {f"{model_key(model)}:{pk}" for pk in events.values_list("pgh_id", flat=True)}
    user = get_user_model().objects.get(username="datamanager")
    _token, key = create_token(user=user, name="paging benchmark", expires=timezone.now() + datetime.timedelta(days=1))
    headers = {"Authorization": f"Bearer {key}"}

    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        participant = Participant.objects.filter(is_deleted=False).exclude(status="off_study").first()
        with triggers.suppressed():
            while not stop.is_set():
                record = blood_count(participant, len(written))
                record.save()
                written.append(record.pk)
                time.sleep(0.02)
        connection.close()

    seen: dict[str, int] = {}
    pages = 0
    first_rss = 0.0
    with server() as (port, worker_rss):
        client = Client("127.0.0.1", port)
        path = f"/api/v1/audit/?page_size={args.page_size}"
        # A first pull of the whole trail, untimed: the worker's allocator reaches its working size (pages of
        # every model, the largest page) and the growth it shows is printed apart.
        warm_start, warm_path = worker_rss(), path
        while warm_path:
            body = json.loads(client.request("GET", warm_path, headers=headers).body)
            warm_path = urlsplit(body["next"])._replace(scheme="", netloc="").geturl() if body["next"] else ""
            if not body["results"]:
                break
        warm_growth = worker_rss() - warm_start
        thread = threading.Thread(target=writer)
        start = time.perf_counter()
        thread.start()
        try:
            while path:
                response = client.request("GET", path, headers=headers)
                if response.status != 200:
                    raise RuntimeError(f"GET {path}: HTTP {response.status} {response.body[:300]!r}")
                body = json.loads(response.body)
                for item in body["results"]:
                    seen[item["event_id"]] = seen.get(item["event_id"], 0) + 1
                pages += 1
                if pages == WARM_UP_PAGES:
                    first_rss = worker_rss()
                path = urlsplit(body["next"])._replace(scheme="", netloc="").geturl() if body["next"] else ""
                if not body["results"]:
                    break
        finally:
            stop.set()
            thread.join()
        last_rss = worker_rss()
    elapsed = time.perf_counter() - start

    twice = [event for event, n in seen.items() if n > 1]
    missed = before - seen.keys()
    growth = last_rss - first_rss
    print(f"\n{len(before)} events before the paging, {len(written)} blood counts saved during it")
    print(f"{pages} pages of {args.page_size} in {elapsed:.1f} s: {len(seen)} distinct events returned, "
          f"{len(missed)} of the events before the paging missing, {len(twice)} returned more than once")
    print(f"first pull of the whole trail (allocator warm-up): the worker grew by {warm_growth:+.1f} MB")
    print(f"resident memory of the gunicorn worker: {first_rss:.1f} MB after page {WARM_UP_PAGES}, {last_rss:.1f} MB "
          f"after the last ({growth:+.1f} MB; target <= {MEMORY_LIMIT_MB} MB)")
    ok = not missed and not twice and growth <= MEMORY_LIMIT_MB
    print("target met" if ok else "target MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

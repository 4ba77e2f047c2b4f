"""BlinaTrial benchmarks: the ratios of ../shared/TARGETS.md, measured side by side in one run.

    .venv/bin/python benchmarks/run.py [--rounds 10] [--per-round 50] [--big 2000] [--recompute-size 20000]

What it does, against a scratch database `blinatrial_bench` on the PostgreSQL server of BENCH_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/blinatrial_bench) and Redis at BENCH_REDIS_URL:
1. migrates a fresh database and loads the demo trial (sites, users, 20 participants);
2. serves the app with gunicorn (2 sync workers, production settings) and a real Celery worker;
3. times B1 (one COUNT query) and every page of the targets in interleaved rounds (every page in each round,
   request by request in a shuffled order), 1 client and 4 clients, p50 and p95 as ratios to B1's;
4. grows the trial to --big participants and times the pages again; counts SQL queries per page at both sizes;
5. measures save -> stored endpoint result current (real worker, idle);
6. times the endpoint recompute at --recompute-size synthetic participants against a bare SELECT of the same rows;
7. runs the export benchmark (benchmarks/export_benchmark.py).
Only ratios are printed as verdicts; absolute times drift on a shared machine.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_pages  # noqa: E402
from bench_pages import Target  # noqa: E402
from httpbench import Client, Timing, csrf_token, measure  # noqa: E402

BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/blinatrial_bench")
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
BENCH_CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/12")
PASSWORD = "blina-demo-2026"  # noqa: S105 - the demo password, printed by `manage.py demo`
SECRET_KEY = secrets.token_urlsafe(50)  # one per run: the sessions signed in once outlive a server restart


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database(url: str) -> None:
    import psycopg

    from_url = url.rsplit("/", 1)
    name = from_url[1]
    with psycopg.connect(from_url[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def server_env(port: int, static_root: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": BENCH_DATABASE_URL,
        "CELERY_BROKER_URL": BENCH_REDIS_URL,
        "REDIS_CACHE_URL": BENCH_CACHE_URL,  # as in production: the page caches in Redis, shared by both workers
        "CELERY_TASK_DEFAULT_QUEUE": "bench",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": static_root,
        "DJANGO_LOG_LEVEL": "WARNING",
        "AXES_FAILURE_LIMIT": "1000",
    }


# Fallback of collect_static: the same collectstatic, but JS source-map comments are left as they are (Django's
# manifest storage otherwise fails on a sourceMappingURL whose .map file is not shipped).
COLLECTSTATIC_WITHOUT_JS_MAPS = """
import django
django.setup()
from django.contrib.staticfiles.storage import HashedFilesMixin as H
H.patterns = tuple((ext, tuple(p for p in pats if "sourceMappingURL" not in str(p))) for ext, pats in H.patterns)
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""


_collect_noted: list[bool] = []


def collect_static(env: dict[str, str]) -> None:
    """collectstatic for the production storage; see COLLECTSTATIC_WITHOUT_JS_MAPS if it fails."""
    cmd = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    if subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True).returncode == 0:  # noqa: S603
        return
    if not _collect_noted:
        print("note: collectstatic failed (a static file references a missing source map); "
              "collected again without rewriting JS source-map comments", flush=True)
        _collect_noted.append(True)
    subprocess.run([sys.executable, "-c", COLLECTSTATIC_WITHOUT_JS_MAPS], cwd=REPO, env=env, check=True)  # noqa: S603


@contextmanager
def processes(port: int):
    """gunicorn (2 sync workers) and a Celery worker on the bench database; stopped by PID at the end."""
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = server_env(port, static_root)
    py = sys.executable
    collect_static(env)
    bindir = Path(py).parent
    web = subprocess.Popen(  # noqa: S603
        [str(bindir / "gunicorn"), "blinatrial.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: S603
        [py, "-m", "celery", "-A", "blinatrial", "--quiet", "worker", "-P", "solo", "-Q", "bench", "-l", "warning",
         "--without-gossip", "--without-mingle", "-n", "bench@%h"],
        cwd=REPO,
        env={**env, "PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges"},
        stdout=subprocess.DEVNULL,  # banner and shutdown notes; warnings and errors go to stderr
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if Client("127.0.0.1", port).get("/health").status in (200, 503):
                    break
            except OSError:
                time.sleep(0.2)
        for name, proc in (("gunicorn", web), ("the Celery worker", worker)):
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited at start-up (status {proc.returncode})")
        yield env
    finally:
        for proc in (web, worker):
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in (web, worker):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(static_root, ignore_errors=True)


def django_setup() -> None:
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blinatrial.settings")
    os.environ["CELERY_BROKER_URL"] = ""  # this process loads data: tasks inline, no recompute storms
    import django

    django.setup()


def load_demo(participants: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("demo", participants=participants, verbosity=0, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as autovacuum would gather them (it may be off here)


def pages(port: int) -> list[tuple[str, str, object, Target | None]]:
    """(label, username, action, target) of every page with a target; built from the demo data."""
    import bench_pages
    from django.urls import reverse

    return bench_pages.page_specs(reverse, port)


_shared_sessions: dict[str, dict[str, str]] = {}  # username -> cookies of its one two-factor session


def one_time_code(username: str) -> str:
    """The current TOTP code of a demo user's authenticator (the demo key, as an authenticator app shows it)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def has_second_factor(username: str) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user__username=username, confirmed=True).exists()


def signed_in_client(port: int, username: str) -> Client:
    """A client signed in as `username`. A user with an authenticator signs in once per run (a TOTP code is
    accepted once) and every client of that user shares the session; the others sign in per client."""
    client = Client("127.0.0.1", port)
    if not has_second_factor(username):
        client.login(username, PASSWORD)
    elif username in _shared_sessions:
        client.cookies = dict(_shared_sessions[username])
    else:
        client.login(username, PASSWORD, one_time_code=lambda: one_time_code(username))
        _shared_sessions[username] = dict(client.cookies)
    return client


def time_pages(port: int, specs, rounds: int, per_round: int, warmup: int, concurrency: int) -> dict[str, Timing]:
    """Every page in every round, request by request in a shuffled order (the saves last, then the worker is let
    finish), so that a slow spell of a shared machine falls on all pages alike and one run's ratios can be trusted.
    With several clients, all of them request the same page at once: each page's latency is its own cost under
    that load, not the average of the pages around it."""
    import bench_data

    clients_by_user: dict[str, list[Client]] = {}
    for _label, username, _action, _target in specs:
        if username not in clients_by_user:
            clients_by_user[username] = [signed_in_client(port, username) for _ in range(concurrency)]
    samples: dict[str, list[float]] = {label: [] for label, *_ in specs}
    for label, username, action, _target in specs:  # warm-up, untimed
        measure(label, action, clients_by_user[username], 1, warmup, expect=(200, 302))
    writes = [spec for spec in specs if not isinstance(spec[2], bench_pages.Get)]
    reads = [spec for spec in specs if isinstance(spec[2], bench_pages.Get)]
    steps = -(-per_round // concurrency)  # rounded up: at least per_round requests of each page in each round
    for round_no in range(rounds):
        # Request by request: each step sends every page once from each client (all clients on the same page at
        # once), the pages in a new shuffled order each step, so a slow spell falls on every page alike.
        shuffle = random.Random(round_no).shuffle
        for _step in range(steps):
            order = list(reads)
            shuffle(order)
            for label, username, action, _target in order:
                timing = measure(label, action, clients_by_user[username], concurrency, 0, expect=(200, 302))
                samples[label].extend(timing.samples)
        for label, username, action, _target in writes:
            timing = measure(label, action, clients_by_user[username], per_round, 0, expect=(200, 302))
            samples[label].extend(timing.samples)
        if writes:
            bench_data.settle()  # the saves' recomputes run before the next round's reads
    return {label: Timing(label, values) for label, values in samples.items()}


def print_table(
    title: str, results: dict[str, Timing], specs, queries: dict[str, tuple[int, int]] | None
) -> list[str]:
    """Print p50 and p95 with their ratios to B1's; return the labels of the pages whose p50 missed a target."""
    b1 = results["B1 (one COUNT)"]
    missed: list[str] = []
    print(f"\n## {title}")
    head = (f"{'page':<38}{'p50 ms':>9}{'p95 ms':>9}{'p50 xB1':>9}{'p95 xB1':>9}{'target':>8}  {'queries':<12}"
            "verdict")
    print(head)
    print("-" * len(head))
    for label, _user, _action, target in specs:
        t = results[label]
        ratio = t.p50 / b1.p50
        q = ""
        if queries and label in queries:
            q = f"{queries[label][0]}->{queries[label][1]}"
        verdict = "" if target is None else ("ok" if ratio <= target.ratio else "MISSED")
        if verdict == "MISSED":
            missed.append(f"{label} ({title})")
        tgt = "" if target is None else f"<={target.ratio:g}"
        print(f"{label:<38}{t.p50 * 1000:>9.2f}{t.p95 * 1000:>9.2f}{ratio:>9.2f}{t.p95 / b1.p95:>9.2f}{tgt:>8}  "
              f"{q:<12}{verdict}")
    return missed


def print_recomputes(rows: list[tuple[int, dict[str, float]]]) -> list[str]:
    """The endpoint recompute as the task does it, against a bare SELECT of the rows it reads: of the whole
    trial (first run of a day, a past cut-off), and after one change (every other run)."""
    print("\n## endpoint recompute against a bare SELECT of the rows it reads (medians)")
    print(f"{'participants':>12}{'whole s':>9}{'SELECT s':>10}{'ratio':>7}{'1 change s':>12}{'SELECT s':>10}"
          f"{'ratio':>7}  verdict (largest, after one change, the slower kind: <= 1 s, <= 3x)")
    missed: list[str] = []
    for i, (size, t) in enumerate(rows):
        verdict = ""
        if i == len(rows) - 1:
            if t["incremental"] > 1 or t["incremental"] > 3 * t["bare_rows"] or t["full"] > 3 * t["bare"]:
                missed.append(f"endpoint recompute at {size} participants")
            verdict = (f"<= 1 s {'ok' if t['incremental'] <= 1 else 'MISSED'}, "
                       f"<= 3x {'ok' if t['incremental'] <= 3 * t['bare_rows'] else 'MISSED'}; whole trial <= 3x "
                       f"{'ok' if t['full'] <= 3 * t['bare'] else 'MISSED'}")
        print(f"{size:>12}{t['full']:>9.3f}{t['bare']:>10.3f}{t['full'] / t['bare']:>7.2f}{t['incremental']:>12.3f}"
              f"{t['bare_rows']:>10.3f}{t['incremental'] / t['bare_rows']:>7.2f}  {verdict}")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds (every page in each)")
    parser.add_argument("--per-round", type=int, default=50, help="requests per page and round")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--big", type=int, default=2000)
    parser.add_argument("--recompute-size", type=int, default=20000)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()

    missed: list[str] = []
    recreate_database(BENCH_DATABASE_URL)
    import redis

    redis.Redis.from_url(BENCH_CACHE_URL).flushdb()  # pages cached by an earlier run's database of the same versions
    django_setup()
    import bench_data

    print(f"loading the demo trial ({args.small} participants) ...", flush=True)
    load_demo(args.small)
    print(f"\nendpoint recompute at {args.small} participants (the demo trial) ...", flush=True)
    recomputes = [(args.small, bench_data.recompute_timing(args.small))]
    port = free_port()
    if not args.skip_http:
        specs = pages(port)
        small_queries = {label: bench_data.query_count(spec) for label, spec in bench_data.query_specs(specs)}
        with processes(port):
            bench_data.settle()  # the worker's start-up reconciliation and plots: not during the timings
            small1 = time_pages(port, specs, args.rounds, args.per_round, args.warmup, 1)
            bench_data.settle()
            small4 = time_pages(port, specs, args.rounds, args.per_round, args.warmup, 4)
            latency = bench_data.save_to_current_latency(Client, port, PASSWORD)
        print(f"growing the trial to {args.big} participants ...", flush=True)
        print(f"\nendpoint recompute at {args.big} participants ...", flush=True)
        recomputes.append((args.big, bench_data.recompute_timing(args.big)))
        big_queries = {label: bench_data.query_count(spec) for label, spec in bench_data.query_specs(specs)}
        queries = {k: (small_queries[k], big_queries[k]) for k in small_queries}
        with processes(port):
            bench_data.settle()
            big1 = time_pages(port, specs, args.rounds, args.per_round, args.warmup, 1)
        each = f"{args.rounds} interleaved rounds x {args.per_round} requests per page"
        missed += print_table(f"{args.small} participants, 1 client, {each}", small1, specs, queries)
        missed += print_table(f"{args.small} participants, 4 clients", small4, specs, None)
        missed += print_table(f"{args.big} participants, 1 client", big1, specs, queries)
        if queries and any(small != big for small, big in queries.values()):
            missed.append("a page's query count grows with participants")
        if latency.p95 > 2:
            missed.append("save -> stored endpoint result current")
        print(f"\nsave -> stored endpoint result current (real worker, idle): p50 {latency.p50:.2f} s, "
              f"p95 {latency.p95:.2f} s over {len(latency.samples)} saves; target p95 <= 2 s: "
              f"{'ok' if latency.p95 <= 2 else 'MISSED'}")
    else:
        print(f"\nendpoint recompute at {args.big} participants ...", flush=True)
        recomputes.append((args.big, bench_data.recompute_timing(args.big)))
    print(f"\nendpoint recompute at {args.recompute_size} synthetic participants ...", flush=True)
    recomputes.append((args.recompute_size, bench_data.recompute_timing(args.recompute_size)))
    missed += print_recomputes(recomputes)
    if not args.skip_export:
        print("\nCSV snapshot benchmark:", flush=True)
        export = subprocess.run([sys.executable, str(REPO / "benchmarks" / "export_benchmark.py")], cwd=REPO)  # noqa: S603
        if export.returncode != 0:
            missed.append("CSV snapshot against COPY")
    print("\n" + ("every target met" if not missed else "targets MISSED: " + "; ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["csrf_token"]

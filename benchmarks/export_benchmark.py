"""CSV snapshot benchmark: the snapshot's form-file export against PostgreSQL's own COPY, at 1,000 and 100,000 rows.

    .venv/bin/python benchmarks/export_benchmark.py [--sizes 1000,100000] [--repeat 3] [--skip-snapshot]

Uses the PostgreSQL server of DATABASE_URL (or, when unset, the embedded one the app starts in
.data/pg), creates a scratch database there (dropped at the end), migrates it and fills the screening
table with generated rows inside PostgreSQL (every insert goes through the audit trigger, as in real
use). The screening form is the widest clinical table and holds every kind of cell a snapshot writes:
codes, dates, timestamps, integers, JSON, empty cells, free text with quotes, commas, non-ASCII
letters and formula triggers. For each size, fresh Python processes then measure

- export: exports.zipwriter.write_copy of that table into a zip file on disk, exactly as a snapshot
  writes it (formatting, formula escaping, deflate, SHA-256), inside the snapshot's REPEATABLE READ
  transaction;
- COPY:   COPY (SELECT * FROM the table WHERE live ORDER BY id) TO STDOUT (CSV) through psycopg, the
  bytes discarded: the fastest way PostgreSQL can hand the same rows to a client;
- snapshot (information, no target): the whole zip of exports.services.write_contents, every form
  file, the analysis datasets, the audit trail of every exported record, dictionary and manifest;

and the peak memory of each process (ru_maxrss; tracemalloc peak of Python allocations in a separate,
untimed run). Targets (../shared/TARGETS.md): export / COPY <= 2 at the largest size (100,000 rows),
and peak memory growth of the exporting process from the smallest to the largest size <= 32 MB (for
the table export and for the whole snapshot). The exit status is 0 when the targets are met.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TABLE = "enrollment_screeningrecord"
TARGET_RATIO = 2.0
TARGET_GROWTH_MB = 32.0

# Every tenth row carries a formula-like, non-ASCII reason, so the escaping path is exercised.
INSERT_SQL = f"""
INSERT INTO {TABLE} (site_id, screening_number, screened_on, initials, sex, birth_date, age_years,
    ph_test_method, ph_test_date, ph_result, ecog, cns_status, criteria, status, screen_fail_reason, created_at,
    updated_at, row_version, is_deleted, deleted_reason)
SELECT %(site)s::bigint, 'B' || lpad(g::text, 9, '0'), date '2026-01-01' + (g %% 300), 'AB',
    CASE WHEN g %% 2 = 0 THEN 'F' ELSE 'M' END,
    CASE WHEN g %% 3 = 0 THEN NULL ELSE date '1970-01-01' + (g %% 12000) END,
    CASE WHEN g %% 3 = 0 THEN 18 + g %% 50 END,
    CASE WHEN g %% 4 = 0 THEN '' ELSE 'FISH' END, date '2026-01-01' + (g %% 300), 'NEGATIVE', g %% 5, 'CNS1',
    '{{"INC_AGE": "met", "INC_ECOG": "met", "EXC_CNS3": "not_met"}}'::jsonb,
    CASE WHEN g %% 7 = 0 THEN 'screen_failed' ELSE 'enrolled' END,
    CASE WHEN g %% 10 = 0 THEN '=HYPERLINK("x") Zoë 李 ' || g
         WHEN g %% 7 = 0 THEN 'Reason, "quoted" ' || g
         ELSE '' END,
    now(), now(), 1, false, ''
FROM generate_series(%(start)s::integer, %(stop)s::integer) AS g
"""  # noqa: S608 (constant table name)
BASELINE_SQL = f"COPY (SELECT * FROM {TABLE} WHERE NOT is_deleted ORDER BY id) TO STDOUT WITH (FORMAT csv)"  # noqa: S608


def base_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    from blinatrial.embedded_db import embedded_database_urls

    # the embedded server's owner role: it may create the scratch database
    return embedded_database_urls(Path(os.environ.get("BLINATRIAL_DATA_DIR", ROOT / ".data")) / "pg")[1]


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def admin_execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --------------------------------------------------------------------------- children: one measurement each


def measure_table(repeat: int) -> dict:
    """COPY baseline and the snapshot's writer of the same table (run in a fresh process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blinatrial.settings")
    import django

    django.setup()
    from django.db import connection

    from enrollment.models import ScreeningRecord
    from exports.datasets import FormFile
    from exports.services import consistent_read
    from exports.zipwriter import write_copy

    form = FormFile(ScreeningRecord)
    rows = ScreeningRecord.objects.filter(is_deleted=False).count()

    def copy_baseline() -> float:
        start = time.perf_counter()
        with connection.cursor() as cursor, cursor.cursor.copy(BASELINE_SQL) as copy:
            for _block in copy:
                pass
        return time.perf_counter() - start

    def export(directory: str) -> tuple[float, int, int]:
        start = time.perf_counter()
        with (
            open(Path(directory) / "bench.zip", "wb") as fh,
            zipfile.ZipFile(fh, "w") as archive,
            consistent_read(),
            connection.cursor() as cursor,
        ):
            sql, params = form.copy_sql(None)
            written = write_copy(archive, form.file_name, form.columns, cursor.cursor, sql, params)
        return time.perf_counter() - start, written.rows, written.bytes

    copy_baseline()  # warm the cache: both sides then read the same pages from memory
    with tempfile.TemporaryDirectory() as directory:
        export(directory)
        copy_times, export_times = [], []
        for _ in range(repeat):  # interleaved, so that a busy moment on the machine hits both
            copy_times.append(copy_baseline())
            seconds, written_rows, csv_bytes = export(directory)
            export_times.append(seconds)
            assert written_rows == rows, "export row count differs from the table"
        tracemalloc.start()
        export(directory)
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {
        "rows": rows,
        "export_s": min(export_times),
        "copy_s": min(copy_times),
        "csv_bytes": csv_bytes,
        "traced_mb": traced_peak / 2**20,
        "maxrss_mb": maxrss_mb(),
    }


def measure_snapshot() -> dict:
    """The whole snapshot zip, as the task writes it (run in a fresh process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blinatrial.settings")
    import django

    django.setup()
    from django.utils import timezone

    from exports.services import write_contents

    with tempfile.TemporaryDirectory() as directory:
        start = time.perf_counter()
        with zipfile.ZipFile(Path(directory) / "snapshot.zip", "w") as archive:
            manifest = write_contents(
                archive, cutoff=timezone.localdate(), site_codes=None, created_at=timezone.now(), created_by="bench"
            )
        seconds = time.perf_counter() - start
        zip_bytes = (Path(directory) / "snapshot.zip").stat().st_size
    files = {f["name"]: f for f in manifest["files"]}
    return {
        "snapshot_s": seconds,
        "audit_rows": files["audit_trail.csv"]["rows"],
        "zip_bytes": zip_bytes,
        "maxrss_mb": maxrss_mb(),
    }


# --------------------------------------------------------------------------- parent: set up, run, report


def child(mode: str, env: dict, repeat: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", mode, "--repeat", str(repeat)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_sizes(sizes: list[int], repeat: int, snapshot: bool) -> list[dict]:
    import psycopg

    url = base_url()
    scratch = f"blinatrial_export_bench_{os.getpid()}"
    scratch_url = with_database(url, scratch)
    env = {**os.environ, "DATABASE_URL": scratch_url, "DJANGO_SETTINGS_MODULE": "blinatrial.settings"}
    print(f"scratch database {scratch} on {urlsplit(url).hostname or 'a local socket'}", flush=True)
    admin_url = with_database(url, "postgres")  # the configured database itself need not exist
    admin_execute(admin_url, f'CREATE DATABASE "{scratch}"')
    try:
        migrate = [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"]
        subprocess.run(migrate, env=env, check=True)
        with psycopg.connect(scratch_url, autocommit=True) as conn:
            site = conn.execute(
                "INSERT INTO enrollment_site (code, name, time_zone) VALUES ('99', 'Benchmark', 'Asia/Shanghai') "
                "RETURNING id"
            )
            site_id = site.fetchone()[0]
        results, inserted = [], 0
        for size in sizes:
            print(f"{size} rows ...", flush=True)
            with psycopg.connect(scratch_url, autocommit=True) as conn:
                conn.execute(INSERT_SQL, {"site": site_id, "start": inserted + 1, "stop": size})
                conn.execute(f"VACUUM ANALYZE {TABLE}")
            inserted = size
            result = child("table", env, repeat)
            if snapshot:
                result["snapshot"] = child("snapshot", env, repeat)
            results.append(result)
    finally:
        admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return results


def report(results: list[dict], repeat: int) -> bool:
    print(f"\ntable {TABLE}; best of {repeat} timed runs each; memory: peak of each measuring process")
    print(f"{'rows':>8} {'export s':>9} {'COPY s':>8} {'ratio':>6} {'CSV MB':>7} {'peak RSS MB':>12} {'traced MB':>10}")
    for r in results:
        r["ratio"] = r["export_s"] / r["copy_s"]
        print(
            f"{r['rows']:>8} {r['export_s']:>9.3f} {r['copy_s']:>8.3f} {r['ratio']:>6.2f} "
            f"{r['csv_bytes'] / 2**20:>7.1f} {r['maxrss_mb']:>12.1f} {r['traced_mb']:>10.2f}"
        )
    first, last = results[0], results[-1]
    growth = last["maxrss_mb"] - first["maxrss_mb"]
    span = f"{first['rows']} -> {last['rows']} rows"
    # The target is set for the large table; at a thousand rows both sides take milliseconds and the
    # export's fixed costs (the key joins, its transaction, a zip entry) dominate the ratio.
    print(f"export/COPY ratio at {last['rows']} rows: {last['ratio']:.2f} (target <= {TARGET_RATIO:g})")
    for r in results[:-1]:
        print(f"export/COPY ratio at {r['rows']} rows: {r['ratio']:.2f} (for information)")
    print(f"peak memory growth of the export, {span}: {growth:.1f} MB (target <= {TARGET_GROWTH_MB:g})")
    ok = last["ratio"] <= TARGET_RATIO and growth <= TARGET_GROWTH_MB
    if "snapshot" in first:
        print("\nwhole snapshot (every file, the audit trail of every record; time for information, memory as above)")
        print(f"{'rows':>8} {'snapshot s':>11} {'audit rows':>11} {'zip MB':>7} {'peak RSS MB':>12}")
        for r in results:
            s = r["snapshot"]
            print(
                f"{r['rows']:>8} {s['snapshot_s']:>11.2f} {s['audit_rows']:>11} "
                f"{s['zip_bytes'] / 2**20:>7.1f} {s['maxrss_mb']:>12.1f}"
            )
        snapshot_growth = last["snapshot"]["maxrss_mb"] - first["snapshot"]["maxrss_mb"]
        print(f"peak memory growth of the whole snapshot, {span}: {snapshot_growth:.1f} MB")
        ok = ok and snapshot_growth <= TARGET_GROWTH_MB
    print("targets met" if ok else "TARGETS NOT MET")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="row counts (default 1000,100000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size; the best is kept")
    parser.add_argument("--skip-snapshot", action="store_true", help="time the table export only")
    parser.add_argument("--measure", choices=["table", "snapshot"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure == "table":
        print(json.dumps(measure_table(args.repeat)))
        return 0
    if args.measure == "snapshot":
        print(json.dumps(measure_snapshot()))
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(","))
    results = run_sizes(sizes, args.repeat, snapshot=not args.skip_snapshot)
    return 0 if report(results, args.repeat) else 1


if __name__ == "__main__":
    sys.exit(main())

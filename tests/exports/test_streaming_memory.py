"""Rows are streamed: the exporting process's memory does not grow with the number of rows.

The benchmark (benchmarks/export_benchmark.py) measures 1k -> 100k rows in a fresh process; this test
checks the same property at a size a test run affords, with tracemalloc (Python allocations).
"""

import datetime
import tracemalloc
import zipfile

import pytest
from django.db import connection
from django.utils import timezone

from exports import services

pytestmark = pytest.mark.django_db

# Every row goes through the audit trigger as well, so the audit trail grows with the table.
INSERT_SCREENINGS = """
INSERT INTO enrollment_screeningrecord (site_id, screening_number, screened_on, initials, sex, age_years,
    ph_test_method, ph_result, ecog, cns_status, criteria, status, screen_fail_reason, created_at, updated_at,
    row_version, is_deleted, deleted_reason)
SELECT %(site)s, 'M' || lpad(g::text, 9, '0'), date '2026-01-01' + (g %% 300), 'AB', 'F', 18 + g %% 50, 'FISH',
    'NEGATIVE', g %% 5, 'CNS1', '{"INC_AGE": "met"}'::jsonb, 'screen_failed',
    CASE WHEN g %% 10 = 0 THEN '=HYPERLINK("x") Zoë ' || g ELSE 'Reason, "quoted" ' || g END,
    now(), now(), 1, false, ''
FROM generate_series(%(start)s::integer, %(stop)s::integer) AS g
"""


def add_screenings(site_id: int, start: int, stop: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SCREENINGS, {"site": site_id, "start": start, "stop": stop})


def peak_bytes_of_a_snapshot(tmp_path, name: str) -> tuple[int, dict]:
    tracemalloc.start()
    try:
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            manifest = services.write_contents(
                archive,
                cutoff=datetime.date(2026, 6, 30),
                site_codes=None,
                created_at=timezone.now(),
                created_by="test",
            )
        return tracemalloc.get_traced_memory()[1], manifest
    finally:
        tracemalloc.stop()


def rows_of(manifest: dict, name: str) -> int:
    return next(f["rows"] for f in manifest["files"] if f["name"] == name)


def test_memory_does_not_grow_with_the_rows(site_a, tmp_path):
    add_screenings(site_a.pk, 1, 200)
    peak_bytes_of_a_snapshot(tmp_path, "warm-up.zip")  # imports and caches are not growth
    small, _ = peak_bytes_of_a_snapshot(tmp_path, "small.zip")
    add_screenings(site_a.pk, 201, 5_000)
    medium, _ = peak_bytes_of_a_snapshot(tmp_path, "medium.zip")
    add_screenings(site_a.pk, 5_001, 15_000)
    large, manifest = peak_bytes_of_a_snapshot(tmp_path, "large.zip")

    assert rows_of(manifest, "screening_records.csv") == 15_000
    assert rows_of(manifest, "audit_trail.csv") > 150_000
    csv_megabytes = sum(f["bytes"] for f in manifest["files"]) / 2**20
    assert csv_megabytes > 15  # what holding the files in memory would cost
    # Up to ~1 MB of COPY output and 2,000 audit rows are buffered before each write into the zip: a
    # fixed cost reached after a few thousand rows. Past it, three times the rows cost nothing more.
    print(f"peaks: {small / 2**20:.2f} / {medium / 2**20:.2f} / {large / 2**20:.2f} MB; CSV {csv_megabytes:.1f} MB")
    assert (large - small) / 2**20 < 6
    assert (large - medium) / 2**20 < 1, f"{(large - medium) / 2**20:.1f} MB more for 3x the rows"

"""Snapshots: who may export which sites, requesting one, building the zip, storing it immutably.

A build (exports.tasks.build_snapshot, or the export_snapshot command) claims its snapshot with a
conditional UPDATE, reads every file inside one REPEATABLE READ transaction (so all files and the
data version describe the same instant), streams the zip to a temporary file, then publishes it
under its final name without ever replacing an existing file.
"""

import functools
import hashlib
import importlib.metadata
import json
import logging
import os

# Only `git rev-parse HEAD` is run: fixed arguments, no shell.
import subprocess  # nosec B404
import tempfile
import tomllib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pghistory
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.files.storage import FileSystemStorage
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from kombu.exceptions import OperationalError as BrokerError

from blinatrial.access import DATA_MANAGER, MONITOR, has_role, visible_site_ids
from blinatrial.tasking import send
from cycles.regimen import REGIMEN
from endpoints.calculations import conventions_text
from endpoints.loaders import alive_sources, load_cohort
from enrollment.models import Site
from exports import analysis, formats, odm, sdtm
from exports.audit_trail import AUDIT_COLUMNS, all_usernames, audit_rows
from exports.datasets import FormFile, form_files
from exports.models import Snapshot, SnapshotStatus
from exports.records import (
    ctcae_terms,
    participant_records,
    people,
    signature_facts,
    signature_meanings,
    site_names,
    sites_of_participants,
)
from exports.security_events import SECURITY_EVENT_COLUMNS, SECURITY_EVENTS, security_event_rows
from exports.storage import snapshot_storage, store_file
from exports.zipwriter import WrittenFile, ZipEntry, write_bytes, write_copy, write_rows
from integrity.cells import CODE, DECIMAL, TEXT, TYPE_DESCRIPTIONS, Column
from integrity.models import current_data_version

log = logging.getLogger(__name__)

FORMAT = "BlinaTrial EDC snapshot, format 1"
MANIFEST = "manifest.json"
DICTIONARY = "data_dictionary.csv"
DICTIONARY_CODES = "data_dictionary_codes.csv"
AUDIT_TRAIL = "audit_trail.csv"
ANALYSIS_FILES = ("adsl.csv", "adrs.csv", "adtte.csv", "adae.csv")
ODM_FILE = "odm.xml"
SDTM_FOLDER, ADAM_FOLDER, ANALYSIS_FOLDER = "sdtm", "adam", "analysis"
DEFINE = f"{SDTM_FOLDER}/define.csv"
LOADERS = {"load_snapshot.R": "loaders/load_snapshot.R", "load_snapshot.py": "loaders/load_snapshot.py"}
COMMAND_LINE = "command line"
# A build that has not finished after this long was killed (the task's hard time limit).
BUILD_TIME_LIMIT_SECONDS = 3600
EXPORT_ROLES = (DATA_MANAGER, MONITOR)

DICTIONARY_COLUMNS = (
    Column("file", TEXT, gettext_noop("File in the snapshot")),
    Column("column", TEXT, gettext_noop("Column name (header)")),
    Column("label", TEXT, gettext_noop("What the column holds")),
    Column(
        "label_zh",
        TEXT,
        gettext_noop("What the column holds, in Simplified Chinese (the English label where none exists)"),
    ),
    Column(
        "type", CODE, gettext_noop("Type"), allowed_values="; ".join(f"{k}={v}" for k, v in TYPE_DESCRIPTIONS.items())
    ),
    Column("unit", TEXT, gettext_noop("Unit of a number")),
    Column("allowed_values", TEXT, gettext_noop("Codes allowed (code=label; ...)")),
    Column("minimum", DECIMAL, gettext_noop("Smallest allowed value")),
    Column("maximum", DECIMAL, gettext_noop("Largest allowed value")),
    Column("note", TEXT, gettext_noop("Notes and help text")),
)

CODE_COLUMNS = (
    Column("file", TEXT, gettext_noop("File in the snapshot")),
    Column("column", TEXT, gettext_noop("Column name (header)")),
    Column("value", TEXT, gettext_noop("A code as it is written in the file")),
    Column("label_en", TEXT, gettext_noop("What the code means, in English")),
    Column(
        "label_zh",
        TEXT,
        gettext_noop("What the code means, in Simplified Chinese (the English label where none exists)"),
    ),
)

CONVENTIONS = {
    "encoding": "UTF-8 without byte-order mark; comma-separated; first row is the header; rows end with LF",
    "missing": "an empty cell is a missing value (NULL, or blank text)",
    "dates": "ISO 8601: dates YYYY-MM-DD, date-times in UTC as YYYY-MM-DDTHH:MM:SS[.ffffff]Z",
    "numbers": "'.' is the decimal point; numbers are written exactly as stored and never escaped",
    "codes": (
        "codes are stored values; data_dictionary.csv lists each code with its label, and "
        "data_dictionary_codes.csv each code with its English and Simplified Chinese labels"
    ),
    "languages": (
        "every file is written in English whatever the language of the user who asked for the snapshot; "
        "free text is written as typed, in any language; only data_dictionary.csv (label_zh) and "
        "data_dictionary_codes.csv (label_zh) add Simplified Chinese"
    ),
    "formula_escape": (
        "a text or code cell starting with one of = + - @ TAB CR or ' is written with one extra ' in front; "
        "remove one leading ' from such a cell to recover the stored text"
    ),
    "record_id": "record_id is the database key of the record: stable, never reused",
    "records": "form files hold live records only: records removed (soft-deleted) with a reason are not exported",
    "cutoff": (
        "the analysis datasets (adsl, adrs, adtte) are derived for the data cut-off; the form files and "
        "the audit trail hold every live record as saved when the snapshot was made"
    ),
    "cdisc": (
        "odm.xml is CDISC ODM 1.3.2 of the participants' live records (screening records of candidates never "
        "enrolled stay in screening_records.csv only), each value with its last change's audit record; sdtm/ holds "
        "SDTM-shaped domains (CSV, Dataset-JSON v1.1, SAS XPT v5) and define.csv; adam/ the analysis datasets as "
        "Dataset-JSON and XPT; the ODM's and Dataset-JSON's creation time is the last change in the data"
    ),
    "analysis_formats": (
        "analysis/*.sav (SPSS) and *.dta (Stata): a code is a number 1..k in the order of its code list in "
        "data_dictionary.csv, labelled with its words; booleans are 0/1; the writers' header time is a constant "
        "(1980-01-01), so unchanged data give identical files; load_snapshot.py and load_snapshot.R read the CSV "
        "files with the dictionary's types"
    ),
}


# --------------------------------------------------------------------------- who may export what


def may_export(user) -> bool:
    return has_role(user, *EXPORT_ROLES)


def exportable_site_codes(user) -> list[str] | None:
    """Codes of the sites the user may export; None means every site (including sites added later)."""
    ids = visible_site_ids(user)
    if ids is None:
        return None
    return list(Site.objects.filter(pk__in=ids).order_by("code").values_list("code", flat=True))


def resolve_sites(user, requested: list[str] | None) -> list[str] | None:
    """The site filter of a new snapshot: what was asked, limited to what the user may export.

    Nothing asked means "all I may export": every site (None) for an all-sites user, else the
    user's own sites. Asking for a site outside them is refused.
    """
    allowed = exportable_site_codes(user)
    requested = sorted(set(requested or []))
    if allowed is None:
        return requested or None
    if not allowed:
        raise PermissionDenied(gettext("You are not assigned to any site."))
    if set(requested) - set(allowed):
        raise PermissionDenied(gettext("You may only export your own sites."))
    return requested or allowed


def visible_snapshots(user) -> QuerySet:
    """Snapshots whose every row the user may see: an all-sites snapshot only for all-sites users."""
    snapshots = Snapshot.objects.select_related("created_by")
    allowed = exportable_site_codes(user)
    if allowed is None:
        return snapshots
    return snapshots.filter(sites__isnull=False, sites__contained_by=allowed)


# --------------------------------------------------------------------------- requesting


@transaction.atomic
def request_snapshot(*, user, cutoff: date, sites: list[str] | None) -> Snapshot:
    """Record the request and queue the build (after commit: the worker must find the row)."""
    if not may_export(user):
        raise PermissionDenied(gettext("Your role does not allow exports."))
    snapshot = Snapshot.objects.create(created_by=user, cutoff=cutoff, sites=resolve_sites(user, sites))

    def enqueue() -> None:
        try:
            send("exports.tasks.build_snapshot", [snapshot.pk])
        except BrokerError as exc:  # the row stays, marked failed: the user sees why and may retry
            log.warning("Could not queue snapshot %s: %s", snapshot.pk, exc)
            error = gettext_noop("The task queue is unreachable; try again.")
            _finish(snapshot.pk, status=SnapshotStatus.FAILED, error=error)

    transaction.on_commit(enqueue)
    return snapshot


def expire_stalled_builds() -> int:
    """Mark failed the builds that cannot still be running (past the hard time limit)."""
    too_old = timezone.now() - timedelta(seconds=BUILD_TIME_LIMIT_SECONDS + 60)
    return Snapshot.objects.filter(status=SnapshotStatus.RUNNING, started_at__lt=too_old).update(
        status=SnapshotStatus.FAILED,
        finished_at=timezone.now(),
        error=gettext_noop("The build stopped before finishing (time limit or lost worker); make a new snapshot."),
    )


# --------------------------------------------------------------------------- building


class ProgressReporter:
    """Writes progress to the snapshot row where the progress page can see it while the build runs.

    The build reads inside its own long transaction, so progress goes through a second connection
    that commits each update at once. Inside a caller's transaction (tests, a command run in one),
    there is no such isolation to step around: progress is written in that transaction.
    """

    def __init__(self, snapshot_id: int) -> None:
        self.snapshot_id = snapshot_id
        self.total = 1
        self.done = 0
        self._side = None if connection.in_atomic_block else connections.create_connection(DEFAULT_DB_ALIAS)

    def plan(self, steps: int) -> None:
        self.total = max(1, steps)

    def step(self, label: str) -> None:
        self.report(min(99, self.done * 100 // self.total), label)
        self.done += 1

    def report(self, percent: int, label: str) -> None:
        if self._side is None:
            Snapshot.objects.filter(pk=self.snapshot_id).update(progress=percent, progress_label=label[:200])
            return
        table = self._side.ops.quote_name(Snapshot._meta.db_table)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress = %s, progress_label = %s WHERE id = %s",  # noqa: S608  # nosec B608
                [percent, label[:200], self.snapshot_id],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()


@contextmanager
def consistent_read() -> Iterator[None]:
    """One snapshot of the database for every file: REPEATABLE READ, read only; ISO date output."""
    if connection.in_atomic_block:
        # The caller's transaction decides the isolation (SET TRANSACTION must come first in one).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL DateStyle TO 'ISO, YMD'")
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SET LOCAL DateStyle TO 'ISO, YMD'")
        yield


@functools.cache
def software_version() -> str:
    """The git revision, else $BLINATRIAL_VERSION, else the package version."""
    try:
        result = subprocess.run(  # nosec B603 B607
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        if revision := result.stdout.strip():
            return revision
    except (OSError, subprocess.SubprocessError):
        pass
    if version := os.environ.get("BLINATRIAL_VERSION", "").strip():
        return version
    try:
        return importlib.metadata.version("blinatrial")
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def chinese_label(text) -> str:
    """The Simplified Chinese of an English label as the interface translates it (a field's label is matched with
    its first letter in lower case too); the English label when the catalogue has none."""
    text = str(text)
    if not text:
        return ""
    with translation.override("zh-hans"):
        for candidate in dict.fromkeys((text, text[:1].lower() + text[1:])):
            if (translated := gettext(candidate)) != candidate:
                return translated
    return text


def _dictionary_row(file_name: str, c: Column) -> tuple:
    return (
        file_name,
        c.name,
        c.label,
        chinese_label(c.label),
        c.kind,
        c.unit,
        c.allowed_values,
        c.minimum,
        c.maximum,
        c.note,
    )


def parse_allowed_values(allowed: str) -> Iterator[tuple[str, str]]:
    """(code, label) of a dictionary's `allowed_values` text, "code=label; code=label" (a bare code is its label)."""
    for part in allowed.split("; "):
        code, sep, label = part.partition("=")
        if code.strip():
            yield code.strip(), (label.strip() if sep else code.strip())


def _field_choices(form: FormFile, column: Column) -> list[tuple[str, str, str]] | None:
    """(code, English label, Chinese label) of a form column's model field, None if it has no choices."""
    try:
        field = form.model._meta.get_field(column.lookup)
    except FieldDoesNotExist:
        return None
    if not field.choices:
        return None
    codes = [(code, label) for code, label in field.flatchoices if code not in ("", None)]
    with translation.override("zh-hans"):
        chinese = [str(label) for _code, label in codes]
    rows = []
    for (code, label), label_zh in zip(codes, chinese, strict=True):
        english = str(label)
        rows.append((str(code), english, label_zh if label_zh != english else chinese_label(english)))
    return rows


def code_rows(forms: list[FormFile], dictionary: list[tuple]) -> Iterator[tuple]:
    """Each code of each coded column, with its English and Chinese labels: the form files' from the models'
    choices, the other files' from their dictionary entry."""
    by_column = {(f.file_name, c.name): (f, c) for f in forms for c in f.columns}
    for row in dictionary:
        file_name, column, kind, allowed = row[0], row[1], row[4], row[6]
        if kind != CODE or not allowed:
            continue
        choices = None
        if (file_name, column) in by_column:
            choices = _field_choices(*by_column[(file_name, column)])
        if choices is None:
            choices = [(code, label, chinese_label(label)) for code, label in parse_allowed_values(allowed)]
        for code, label, label_zh in choices:
            yield (file_name, column, code, label, label_zh)


def dictionary_rows(forms: list[FormFile]) -> Iterator[tuple]:
    files = [
        *[(f.file_name, f.columns) for f in forms],
        ("adsl.csv", analysis.ADSL_COLUMNS),
        ("adrs.csv", analysis.ADRS_COLUMNS),
        ("adtte.csv", analysis.ADTTE_COLUMNS),
        ("adae.csv", analysis.ADAE_COLUMNS),
        (AUDIT_TRAIL, AUDIT_COLUMNS),
        (SECURITY_EVENTS, SECURITY_EVENT_COLUMNS),
        (DICTIONARY, DICTIONARY_COLUMNS),
        (DICTIONARY_CODES, CODE_COLUMNS),
    ]
    for name, columns in files:
        for c in columns:
            yield _dictionary_row(name, c)


def _dicts(columns, rows) -> list[dict]:
    names = [c.name for c in columns]
    return [dict(zip(names, row, strict=True)) for row in rows]


def adam_tables(datasets: analysis.AnalysisDatasets) -> list[formats.Table]:
    """ADSL, ADRS, ADTTE and ADAE as tables (the rows of their CSV files)."""
    labels = {
        "ADSL": "Subject-Level Analysis Dataset",
        "ADRS": "Response Analysis Dataset",
        "ADTTE": "Time-to-Event Analysis Dataset",
        "ADAE": "Adverse Events Analysis Dataset",
    }
    sources = (
        (analysis.ADSL_COLUMNS, datasets.adsl),
        (analysis.ADRS_COLUMNS, datasets.adrs),
        (analysis.ADTTE_COLUMNS, datasets.adtte),
        (analysis.ADAE_COLUMNS, datasets.adae),
    )
    return [
        formats.Table(name, label, tuple(columns), list(rows), oid_prefix="IG.ADAM")
        for (name, label), (columns, rows) in zip(labels.items(), sources, strict=True)
    ]


def write_formats(archive, folder: str, table: formats.Table, created: datetime, *, csv_too: bool) -> list:
    """The table as Dataset-JSON and SAS XPT v5 (and CSV) in `folder`."""
    stem = f"{folder}/{table.name.lower()}"
    rows = len(table.rows)
    files = []
    if csv_too:
        files.append(write_rows(archive, f"{stem}.csv", table.columns, table.rows))
    document = formats.dataset_json(table, study_oid=odm.STUDY_OID, mdv_oid=odm.MDV_OID, created=created)
    files.append(write_bytes(archive, f"{stem}.json", document, rows=rows))
    files.append(write_bytes(archive, f"{stem}.xpt", formats.xpt_bytes(table), rows=rows))
    return files


def _table_dictionary_rows(tables: list[formats.Table], folder: str) -> Iterator[tuple]:
    for table in tables:
        for c in table.columns:
            yield _dictionary_row(f"{folder}/{table.name.lower()}.csv", c)
    for c in sdtm.DEFINE_COLUMNS:
        yield _dictionary_row(DEFINE, c)


def write_contents(archive: zipfile.ZipFile, **options) -> dict:
    """Write every file of a snapshot into `archive`; return the manifest (written last).

    The content is language-neutral: written in English whatever the language of the user who asked (the data
    dictionary adds the Chinese labels of its own accord).
    """
    with translation.override("en-gb"):
        return _write_contents(archive, **options)


def _write_contents(
    archive: zipfile.ZipFile,
    *,
    cutoff: date,
    site_codes: list[str] | None,
    created_at: datetime,
    created_by: str,
    reporter: ProgressReporter | None = None,
) -> dict:
    forms = form_files()
    if reporter is not None:
        reporter.plan(len(forms) + 9)
    step = reporter.step if reporter is not None else (lambda label: None)
    written: list[WrittenFile] = []
    with consistent_read():
        data_version = current_data_version()
        site_ids = None
        if site_codes is not None:
            site_ids = list(Site.objects.filter(code__in=site_codes).values_list("pk", flat=True))
        with connection.cursor() as cursor:
            for form in forms:
                step(gettext_noop("Writing %(file)s") % {"file": form.file_name})
                sql, params = form.copy_sql(site_ids)
                written.append(write_copy(archive, form.file_name, form.columns, cursor.cursor, sql, params))
        step(gettext_noop("Deriving the analysis datasets"))
        cohort = load_cohort(cutoff)
        participants = [
            p for p in cohort.participants if site_codes is None or cohort.site_of[p.participant_id] in site_codes
        ]
        datasets = analysis.analysis_datasets(participants, cohort.site_of, cutoff)
        for name, columns, rows in zip(
            ANALYSIS_FILES,
            (analysis.ADSL_COLUMNS, analysis.ADRS_COLUMNS, analysis.ADTTE_COLUMNS, analysis.ADAE_COLUMNS),
            (datasets.adsl, datasets.adrs, datasets.adtte, datasets.adae),
            strict=True,
        ):
            written.append(write_rows(archive, name, columns, rows))
        step(gettext_noop("Writing the audit trail"))
        usernames = all_usernames()
        changes = odm.LastChanges()  # the last change of each value, for the ODM's audit records
        audit = changes.watch(audit_rows(forms, site_ids, usernames))
        written.append(write_rows(archive, AUDIT_TRAIL, AUDIT_COLUMNS, audit))
        step(gettext_noop("Writing the security event log"))
        events = security_event_rows(site_ids, usernames)
        written.append(write_rows(archive, SECURITY_EVENTS, SECURITY_EVENT_COLUMNS, events))
        step(gettext_noop("Writing the CDISC ODM"))
        records = participant_records(forms, site_ids)
        site_of = sites_of_participants(site_ids)
        odm_input = odm.OdmInput(
            forms=list(records.values()),
            sites=site_names(site_codes),
            site_of=site_of,
            people=people(),
            meanings=signature_meanings(),
            signatures=signature_facts(set(site_of)),
            changes=changes,
            cutoff=cutoff,
            site_filter=site_codes,
        )
        entry = ZipEntry(archive, ODM_FILE)
        written.append(entry.close(odm.write_odm(odm_input, entry.write)))
        step(gettext_noop("Writing the SDTM domains"))
        domains = sdtm.sdtm_domains(
            sdtm.SdtmInput(
                records={r.stem: r.dicts() for r in records.values()},
                adsl=_dicts(analysis.ADSL_COLUMNS, datasets.adsl),
                adrs=_dicts(analysis.ADRS_COLUMNS, datasets.adrs),
                terms=ctcae_terms(),
                drugs=REGIMEN.drug_names(),
            )
        )
    # Dataset-JSON's creation time, like the ODM's: the last change in the data (unchanged data, identical files).
    created = changes.latest or datetime.combine(cutoff, datetime.min.time(), tzinfo=UTC)
    for table in domains:
        written.extend(write_formats(archive, SDTM_FOLDER, table, created, csv_too=True))
    written.append(write_rows(archive, DEFINE, sdtm.DEFINE_COLUMNS, sdtm.define_rows(domains)))
    step(gettext_noop("Writing the analysis datasets in other formats"))
    for table in adam_tables(datasets):
        written.extend(write_formats(archive, ADAM_FOLDER, table, created, csv_too=False))
        stem = f"{ANALYSIS_FOLDER}/{table.name.lower()}"
        written.append(write_bytes(archive, f"{stem}.sav", formats.sav_bytes(table), rows=len(table.rows)))
        written.append(write_bytes(archive, f"{stem}.dta", formats.dta_bytes(table), rows=len(table.rows)))
    for name, source in LOADERS.items():
        written.append(write_bytes(archive, f"{ANALYSIS_FOLDER}/{name}", (Path(__file__).parent / source).read_bytes()))
    step(gettext_noop("Writing the data dictionary"))
    dictionary = [*dictionary_rows(forms), *_table_dictionary_rows(domains, SDTM_FOLDER)]
    written.append(write_rows(archive, DICTIONARY, DICTIONARY_COLUMNS, dictionary))
    written.append(write_rows(archive, DICTIONARY_CODES, CODE_COLUMNS, list(code_rows(forms, dictionary))))
    step(gettext_noop("Writing the manifest"))
    manifest = {
        "format": FORMAT,
        "created_at": created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "created_by": created_by,
        "data_cutoff": cutoff.isoformat(),
        "data_version": data_version,
        "calc_version": datasets.calc_version,
        "software_version": software_version(),
        "filters": {"sites": site_codes if site_codes is not None else "all", "records": "live"},
        # the endpoint conventions too: the landmarks and the records that prove a participant alive
        "conventions": {**CONVENTIONS, "endpoints": conventions_text(alive_sources=alive_sources()).split("\n")},
        "files": [{"name": w.name, "rows": w.rows, "sha256": w.sha256, "bytes": w.bytes} for w in written],
    }
    write_bytes(archive, MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return manifest


def open_snapshot(snapshot: Snapshot):
    """The stored zip of a built snapshot, opened for reading (a Django File)."""
    return snapshot_storage().open(snapshot.file_name, "rb")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class BuiltFile:
    file_name: str
    size_bytes: int
    sha256: str
    manifest: dict


def snapshot_file_name(snapshot: Snapshot) -> str:
    return f"snapshot-{snapshot.pk:06d}-cutoff-{snapshot.cutoff:%Y%m%d}.zip"


def write_snapshot_file(snapshot: Snapshot, reporter: ProgressReporter | None = None) -> BuiltFile:
    """Write the zip to a local temporary file, then hand it to the snapshot storage (write-once)."""
    storage = snapshot_storage()
    scratch_dir = None
    if isinstance(storage, FileSystemStorage):  # same folder: the final move is a rename
        scratch_dir = Path(storage.location)
        scratch_dir.mkdir(parents=True, exist_ok=True)
    name = snapshot_file_name(snapshot)
    if storage.exists(name):
        raise FileExistsError(f"{name} exists already; snapshot files are never overwritten.")
    with tempfile.NamedTemporaryFile(dir=scratch_dir, prefix=f".{name}.", suffix=".part", delete=False) as fh:
        temporary = Path(fh.name)
    try:
        with open(temporary, "wb") as fh:
            with zipfile.ZipFile(fh, "w") as archive:
                manifest = write_contents(
                    archive,
                    cutoff=snapshot.cutoff,
                    site_codes=snapshot.sites,
                    created_at=snapshot.created_at,
                    created_by=snapshot.created_by.get_username() if snapshot.created_by else COMMAND_LINE,
                    reporter=reporter,
                )
            fh.flush()
            os.fsync(fh.fileno())
        size, sha256 = temporary.stat().st_size, file_sha256(temporary)
        stored_name = store_file(temporary, name)
    finally:
        temporary.unlink(missing_ok=True)
    return BuiltFile(stored_name, size, sha256, manifest)


def check_creator_may_export(snapshot: Snapshot) -> None:
    """Checked again at build time: roles and site assignments may have changed since the request."""
    user = snapshot.created_by
    if user is None:  # the command line: the operator has the database anyway
        return
    if not may_export(user):
        raise PermissionDenied(gettext_noop("%(user)s may no longer export snapshots.") % {"user": user.get_username()})
    allowed = exportable_site_codes(user)
    if allowed is not None and (snapshot.sites is None or not set(snapshot.sites) <= set(allowed)):
        raise PermissionDenied(
            gettext_noop("%(user)s may not export the sites of this snapshot.") % {"user": user.get_username()}
        )


def claim(snapshot_id: int) -> bool:
    """Queued -> running, once: a redelivered task message finds nothing to claim."""
    return (
        Snapshot.objects.filter(pk=snapshot_id, status=SnapshotStatus.QUEUED).update(
            status=SnapshotStatus.RUNNING,
            started_at=timezone.now(),
            progress=0,
            progress_label=gettext_noop("Starting"),
        )
        == 1
    )


def _finish(snapshot_id: int, **values) -> None:
    snapshot = Snapshot.objects.filter(pk=snapshot_id)
    user = snapshot.values_list("created_by", flat=True).first()
    with pghistory.context(user=user, action="snapshot build"):
        snapshot.update(finished_at=timezone.now(), **values)


def build_snapshot(snapshot_id: int) -> str:
    """Build a queued snapshot's zip; the outcome (done / failed) is stored on the row and returned."""
    if not claim(snapshot_id):
        return "skipped"
    snapshot = Snapshot.objects.select_related("created_by").get(pk=snapshot_id)
    reporter = ProgressReporter(snapshot_id)
    try:
        check_creator_may_export(snapshot)
        built = write_snapshot_file(snapshot, reporter)
    except Exception as exc:  # any failure is recorded on the snapshot for the user to see
        log.exception("Snapshot %s failed", snapshot_id)
        _finish(
            snapshot_id,
            status=SnapshotStatus.FAILED,
            progress_label=gettext_noop("Failed"),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return SnapshotStatus.FAILED
    finally:
        reporter.close()
    _finish(
        snapshot_id,
        status=SnapshotStatus.DONE,
        progress=100,
        progress_label=gettext_noop("Done"),
        data_version=built.manifest["data_version"],
        calc_version=built.manifest["calc_version"],
        software_version=built.manifest["software_version"][:80],
        file_name=built.file_name,
        size_bytes=built.size_bytes,
        sha256=built.sha256,
    )
    return SnapshotStatus.DONE

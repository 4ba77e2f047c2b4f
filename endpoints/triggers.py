"""The one trigger: every committed write to clinical data schedules an endpoint recompute.

Two layers, so that no write path is missed:
1. In the database, a statement-level trigger on every clinical table bumps integrity.DataVersion
   (integrity.models). Nothing escapes it: views, admin, shell, QuerySet.update(), raw SQL, psql.
2. In Django, an execute wrapper installed on every connection notices INSERT/UPDATE/DELETE
   statements on clinical tables and registers one on-commit callback per transaction, which asks
   for a recompute. The request never waits for the broker for more than its short socket timeout:
   a failure is logged and left to the beat reconciliation (endpoints.tasks.reconcile_endpoints),
   which compares the stored result's data version with the current one every minute.

Bursts are debounced with a Redis key: while a recompute is pending, further commits do not
publish another task; the task clears the key before it reads the data, so a commit that lands
after the read publishes a new one.
"""

import logging
import re
from contextlib import contextmanager
from threading import local

from django.apps import apps
from django.conf import settings
from django.db import transaction

from blinatrial.broker import redis_client
from blinatrial.celery import app
from blinatrial.tasking import publish, run_inline
from integrity.models import ClinicalRecord

log = logging.getLogger(__name__)

PENDING_KEY = "blinatrial:endpoints:recompute-pending"  # + ":<queue>", so deployments sharing a Redis don't mix
PENDING_TTL_SECONDS = 30
RECOMPUTE_TASK = "endpoints.tasks.recompute_endpoints"
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_state = local()


def clinical_tables() -> frozenset[str]:
    tables = getattr(_state, "tables", None)
    if tables is None:
        tables = frozenset(
            m._meta.db_table for m in apps.get_models() if issubclass(m, ClinicalRecord) and not m._meta.proxy
        )
        _state.tables = tables
    return tables


def _touches_clinical_table(sql: str) -> bool:
    if not _WRITE.match(sql):
        return False
    return any(f'"{table}"' in sql or f" {table} " in sql for table in clinical_tables())


def _after_commit() -> None:
    request_recompute()


_after_commit.endpoint_recompute = True


def _registered(connection) -> bool:
    # Django drops callbacks of rolled-back (savepoint) blocks from this list, so it is the truth.
    return any(getattr(item[1], "endpoint_recompute", False) for item in connection.run_on_commit)


def watch_writes(execute, sql, params, many, context):
    """Connection execute wrapper: schedule a recompute after a transaction that wrote clinical data."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and not getattr(_state, "suppressed", False) and _touches_clinical_table(sql):
        connection = context["connection"]
        if not connection.get_autocommit():
            if not _registered(connection):
                transaction.on_commit(_after_commit, using=connection.alias, robust=True)
        else:  # autocommit: the statement has already committed
            _after_commit()
    return result


def install(sender, connection, **kwargs) -> None:
    """connection_created receiver: put the write watcher on every new connection.

    It goes to the bottom of the wrapper stack: a connection may be opened inside a context manager
    that pushed its own wrapper (pghistory.context, for one) and will pop "the last one" on exit.
    """
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)


@contextmanager
def suppressed():
    """Bulk loads (the demo generator, imports) write many records: schedule one recompute at the end."""
    _state.suppressed = True
    try:
        yield
    finally:
        _state.suppressed = False
    request_recompute()


def pending_key() -> str:
    return f"{PENDING_KEY}:{app.conf.task_default_queue}"


def request_recompute() -> None:
    """Ask for a recompute of today's endpoints; never raises, never waits more than ~1 s for the broker."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            run_inline(RECOMPUTE_TASK)
        except Exception:
            log.exception("inline endpoint recompute failed; the next change or the reconciliation retries")
        return
    client = redis_client()
    try:
        if client.set(pending_key(), "1", nx=True, ex=PENDING_TTL_SECONDS):
            publish(RECOMPUTE_TASK, countdown=settings.ENDPOINT_DEBOUNCE_SECONDS)
    except Exception as exc:  # broker down or hung: the beat reconciliation catches up
        log.warning("could not schedule an endpoint recompute (%s); reconciliation will catch up", exc)


def clear_pending() -> None:
    client = redis_client()
    if client is None:
        return
    try:
        client.delete(pending_key())
    except Exception as exc:
        log.warning("could not clear the recompute-pending flag: %s", exc)

"""The write watcher must not break other execute wrappers pushed around the connection's creation.

A thread's first connection opened inside `pghistory.context()` (the history middleware wraps every
request in one) used to end the context with pghistory's wrapper still installed and ours popped:
the next write outside any context then failed (under runserver, a login could not save its session).
"""

import threading

import pghistory
import pytest
from django.db import connection
from pghistory.runtime import _inject_history_context

from endpoints.triggers import watch_writes
from enrollment.models import Site


def _in_new_thread(fn):
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = fn()
        except Exception as exc:  # reported to the test below
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.mark.django_db(transaction=True)
def test_a_connection_opened_inside_a_history_context_keeps_the_wrapper_stack_intact():
    def first_connection_inside_a_context():
        with pghistory.context(reason="test"):
            Site.objects.count()  # the thread's first query: connection_created fires inside the context
        wrappers = list(connection.execute_wrappers)
        Site.objects.create(code="77", name="Written after the context")  # raised AttributeError before
        return wrappers

    wrappers = _in_new_thread(first_connection_inside_a_context)
    assert watch_writes in wrappers
    assert _inject_history_context not in wrappers
    assert Site.objects.filter(code="77").exists()

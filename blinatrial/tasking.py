"""Sending Celery tasks by name.

A module that asks for work (a trigger, a service) names the task instead of importing its module,
which imports that module in turn: within an app the modules form a line (tasks -> services ->
triggers), and a web process that only publishes never loads a task module's heavy imports.
"""

from collections.abc import Sequence
from importlib import import_module

from django.conf import settings

from blinatrial.celery import app


def run_inline(name: str, args: Sequence = ()) -> object:
    """Run a task now, in this process (no broker configured: development and eager tests). The task's module
    is imported by name first: a management command (the demo) has not loaded it, and Celery's autodiscovery
    has not run in a process that is not a worker."""
    if name not in app.tasks:
        import_module(name.rsplit(".", 1)[0])
    return app.tasks[name].apply(args=list(args))


def publish(name: str, args: Sequence = (), countdown: float | None = None) -> None:
    """Send a task to the broker by name; raises when the broker cannot be reached."""
    app.send_task(name, args=list(args), countdown=countdown)


def send(name: str, args: Sequence = (), countdown: float | None = None) -> None:
    """Inline without a broker (as `.delay()` is in eager mode), else published."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_inline(name, args)
    else:
        publish(name, args, countdown)

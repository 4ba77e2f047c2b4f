"""Celery application: configured from Django settings (CELERY_* keys), tasks autodiscovered."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blinatrial.settings")

app = Celery("blinatrial")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

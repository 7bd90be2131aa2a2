"""The Celery application: the one jobs mechanism for analyses, imports and reminders."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vmi_programme.settings")

app = Celery("vmi_programme")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

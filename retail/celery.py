"""The Celery app: broker is Redis when REDIS_URL is set, otherwise tasks run eagerly."""

import os

from celery import Celery
from celery.signals import setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retail.settings")

app = Celery("retail")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# In the worker: each task's lines carry task_id and the request_id of the request that
# enqueued it (django-structlog sends it in the task headers).
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def _logging_from_settings(**kwargs) -> None:
    """Log the worker's lines through Django's ``LOGGING`` (JSON in production), not Celery's."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)

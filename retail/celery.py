"""The Celery app: broker is Redis when REDIS_URL is set, otherwise tasks run eagerly."""

import os

import structlog
from celery import Celery
from celery.signals import setup_logging, task_prerun
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retail.settings")

app = Celery("retail")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# In the worker: each task's lines carry task_id and the request_id of the request that
# enqueued it (django-structlog sends it in the task headers).
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def _logging_from_settings(loglevel=None, **kwargs) -> None:
    """Log the worker's lines through Django's ``LOGGING`` (JSON in production), not Celery's.

    ``celery worker --loglevel`` still sets the level.
    """
    from logging.config import dictConfig

    from django.conf import settings

    config = {**settings.LOGGING}
    if loglevel:
        config["root"] = {**config["root"], "level": loglevel}
    dictConfig(config)


@task_prerun.connect
def _eager_task_started(task_id=None, task=None, **kwargs) -> None:
    # A worker logs task_started itself (django-structlog); an eager task runs inside the
    # request that sent it and says so here, under that request's request_id.
    if task is not None and task.request.is_eager:
        structlog.get_logger("retail.tasks").info("task_started", task=task.name, task_id=task_id)

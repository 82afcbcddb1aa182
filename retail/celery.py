"""The Celery app: broker is Redis when REDIS_URL is set, otherwise tasks run eagerly.

Tasks go to a queue by kind, so that workers can be given to each kind and a
long job of one kind never waits behind or delays another: a 100,000-row import
on ``imports`` does not hold up a pickup notification on ``notifications``.

A worker started without ``-Q`` consumes every queue (``CELERY_TASK_QUEUES``);
``-Q notifications`` gives a machine to one kind (README, "Deployment").
"""

import os

import structlog
from celery import Celery
from celery.signals import setup_logging, task_prerun
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retail.settings")

NOTIFICATIONS = "notifications"
STOCK_FEEDS = "stock_feeds"
IMPORTS = "imports"
SWEEPS = "sweeps"
# Anything not named below (a task added later, the receipt price audit, the heartbeat).
DEFAULT = "default"
QUEUES = (NOTIFICATIONS, STOCK_FEEDS, IMPORTS, SWEEPS, DEFAULT)

# Task name -> queue.  Read at every send (``route_task``), so a test can point all
# tasks at one worker of its own by emptying it.
QUEUE_OF_TASK = {
    # A customer waits for these: never behind a feed or an import.
    "orders.send_notification": NOTIFICATIONS,
    "orders.resend_notifications": NOTIFICATIONS,
    # POS/ERP stock feeds: many rows, chunked, per feed.
    "inventory.apply_stock_feed": STOCK_FEEDS,
    # Spreadsheet imports: validation and the all-or-nothing apply.
    "imports.validate_run": IMPORTS,
    "imports.apply_run": IMPORTS,
    # Periodic sweeps started by beat: expiries, reminders, purges, audits.
    "retail.purge_idempotency_records": SWEEPS,
    "inventory.expire_reservations": SWEEPS,
    "loyalty.expire_holds": SWEEPS,
    "loyalty.expire_stored_value": SWEEPS,
    "loyalty.expire_points": SWEEPS,
    "loyalty.recompute_tiers": SWEEPS,
    "orders.expire_uncollected": SWEEPS,
    "orders.remind_pickups": SWEEPS,
    "orders.audit_receipt_prices_sweep": SWEEPS,
}


def route_task(name, args, kwargs, options, task=None, **kw):
    """Return the queue of task ``name`` (None: the default queue)."""
    queue = QUEUE_OF_TASK.get(name)
    return {"queue": queue} if queue else None


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

"""Inventory's Celery tasks: thin, idempotent wrappers around the services."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from inventory.models import StockFeedRun
from inventory.services import reservations_expire
from inventory.sync import stock_feed_apply
from inventory.sync.services import FINISHED


@shared_task(name="inventory.expire_reservations")
def expire_reservations() -> int:
    """Expire every active reservation past its expiry and free its units; return how many.

    Safe to run in several workers at once and to retry: the sweep claims
    reservations with SKIP LOCKED and each one ends in exactly one state.
    """
    return reservations_expire(at=timezone.now())


@shared_task(
    name="inventory.apply_stock_feed",
    autoretry_for=(OperationalError,),
    max_retries=5,
    retry_backoff=True,
)
def apply_stock_feed(run_id: int) -> str:
    """Ingest the stock feed of run ``run_id`` (``inventory.sync``); return the run's status.

    Re-reads the run and returns at once when it is missing or finished
    (succeeded or rejected), so a redelivered message changes nothing; a run
    that was killed resumes after its last committed chunk.  Retried on
    database connection trouble.
    """
    run = StockFeedRun.objects.filter(pk=run_id).first()
    if run is None:
        return "missing"
    if run.status in FINISHED:
        return run.status
    return stock_feed_apply(run=run).status

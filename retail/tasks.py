"""Periodic housekeeping of the retail core."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from retail.health import HEARTBEAT_CACHE_KEY
from retail.services.idempotency import idempotency_records_purge


@shared_task(name="retail.worker_heartbeat")
def worker_heartbeat() -> float:
    """Record that a worker is consuming tasks; /healthz shows how long ago."""
    now = timezone.now().timestamp()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=None)
    return now


@shared_task(name="retail.purge_idempotency_records")
def purge_idempotency_records() -> int:
    """Delete Idempotency-Key records past their replay window."""
    return idempotency_records_purge(at=timezone.now())

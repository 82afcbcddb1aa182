"""Loyalty's Celery tasks: thin, idempotent wrappers around the services."""

from celery import shared_task
from django.utils import timezone

from loyalty.services.points import points_expire
from loyalty.services.stored_value import holds_expire, stored_value_expire_due
from loyalty.services.tiers import tiers_recompute_all


@shared_task(name="loyalty.expire_stored_value")
def expire_stored_value() -> int:
    """Zero the balance of every expired gift card, credit note and voucher; return how many.

    Safe to run in several workers and to retry: accounts are claimed with
    SKIP LOCKED and the EXPIRE entry has a unique source key.
    """
    return stored_value_expire_due(at=timezone.now())


@shared_task(name="loyalty.expire_holds")
def expire_holds() -> int:
    """Expire every stored-value hold past its expiry and free its amount; return how many."""
    return holds_expire(at=timezone.now())


@shared_task(name="loyalty.expire_points")
def expire_points() -> int:
    """Expire due points, oldest first (``points_expire``); return how many entries were written."""
    return points_expire(at=timezone.now())


@shared_task(name="loyalty.recompute_tiers")
def recompute_tiers() -> int:
    """Recompute every active member's tier from rolling 12-month spend (nightly)."""
    return tiers_recompute_all(at=timezone.now())

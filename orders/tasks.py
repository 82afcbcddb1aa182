"""Orders' Celery tasks: thin, idempotent wrappers around services.

The outbox's tasks are defined in ``orders.notifications.tasks``, the price
audit's in ``orders.price_audit_tasks``; both are imported here, so Celery
finds every orders task in this module.
"""

from celery import shared_task
from django.utils import timezone

from orders.notifications.tasks import notification_send, notifications_resend_pending
from orders.price_audit_tasks import receipt_prices_audit, receipt_prices_audit_sweep
from orders.services.sweeps import orders_expire, pickups_remind

__all__ = [
    "notification_send",
    "notifications_resend_pending",
    "orders_expire_uncollected",
    "pickups_remind_due",
    "receipt_prices_audit",
    "receipt_prices_audit_sweep",
]


@shared_task(name="orders.expire_uncollected")
def orders_expire_uncollected() -> int:
    """Expire ready click-and-collect orders whose pickup window has passed (beat)."""
    return orders_expire(at=timezone.now())


@shared_task(name="orders.remind_pickups")
def pickups_remind_due() -> int:
    """Remind customers of ready orders whose pickup window ends soon (beat)."""
    return pickups_remind(at=timezone.now())

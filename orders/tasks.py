"""Orders' Celery tasks: thin, idempotent wrappers around services (see orders.notifications)."""

import logging

from celery import shared_task
from django.utils import timezone

from orders.models import Notification
from orders.notifications.sender import notification_send_now, notifications_send_due

logger = logging.getLogger(__name__)


@shared_task(name="orders.send_notification", acks_late=True)
def notification_send(notification_id: int) -> str | None:
    """Send one outbox row unless it is already sent or being sent; return its status.

    Enqueued after the event's commit.  Safe to run twice: the sender claims
    the row first, so a redelivered task sends nothing.
    """
    try:
        return notification_send_now(notification_id=notification_id).status
    except Notification.DoesNotExist:
        logger.warning("notification %s no longer exists", notification_id)
        return None


@shared_task(name="orders.resend_notifications", acks_late=True)
def notifications_resend_pending(batch_size: int = 100) -> int:
    """Send rows still pending a minute after the event, retries and stale claims (beat).

    This is what makes the outbox lose nothing while the broker or the
    workers were down.  Returns how many rows it sent.
    """
    return notifications_send_due(at=timezone.now(), batch_size=batch_size)


@shared_task(name="orders.expire_uncollected")
def orders_expire_uncollected() -> int:
    """Expire ready click-and-collect orders whose pickup window has passed (beat)."""
    from orders.services.sweeps import orders_expire

    return orders_expire(at=timezone.now())


@shared_task(name="orders.remind_pickups")
def pickups_remind() -> int:
    """Remind customers of ready orders whose pickup window ends soon (beat)."""
    from orders.services.sweeps import pickups_remind as remind

    return remind(at=timezone.now())

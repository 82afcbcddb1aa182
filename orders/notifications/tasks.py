"""The outbox's Celery tasks: send one row, and send what is still due (beat).

They live beside the sender, not in ``orders.tasks``, so that queueing a
notification (``orders.services.notify``) reaches its task without importing
the rest of the orders tasks (and, through them, the services again).
"""

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

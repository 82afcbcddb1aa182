"""Orders' Celery tasks: thin, idempotent wrappers around services (see orders.notifications)."""

from celery import shared_task


@shared_task(name="orders.send_notification")
def notification_send(notification_id: int) -> None:
    """Send one outbox row (implemented in orders.notifications)."""

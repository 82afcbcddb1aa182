"""Queue customer notifications in the outbox, in the caller's transaction."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from orders.models import Notification, Order
from orders.notifications.tasks import notification_send

logger = logging.getLogger(__name__)


def notification_queue(
    *,
    order: Order,
    kind: str,
    at: datetime,
    context: dict | None = None,
    key_suffix: str = "",
) -> list[Notification]:
    """Write the outbox rows for one event of ``order``; send them after commit.

    One row per medium the order asked for (e-mail, SMS) and the customer
    can receive.  ``dedupe_key`` (order, kind, medium, ``key_suffix``) makes
    a retried service queue nothing twice.  Call inside the event's
    transaction: if it rolls back, nothing is queued and nothing is sent.
    Returns the rows written (or found).
    """
    customer = order.customer
    if customer is None:
        return []
    media = []
    if order.notify_email and customer.email:
        media.append((Notification.Medium.EMAIL, customer.email))
    if order.notify_sms and customer.phone:
        media.append((Notification.Medium.SMS, str(customer.phone)))
    rows = []
    for medium, recipient in media:
        key = f"{order.number}:{kind}:{medium}" + (f":{key_suffix}" if key_suffix else "")
        row, created = Notification.objects.get_or_create(
            dedupe_key=key,
            defaults={
                "order": order,
                "kind": kind,
                "medium": medium,
                "recipient": recipient,
                "language": order.language or customer.language or "en",
                "context": context or {},
                "created_at": at,
            },
        )
        rows.append(row)
        if created:
            transaction.on_commit(lambda pk=row.pk: _enqueue(pk))
    return rows


def _enqueue(pk: int) -> None:
    # A broker that is down must not fail the request that already committed:
    # the periodic resend picks the row up.  No result is kept: subscribing to it
    # would make the request wait for the result store's reconnects (20 s).
    try:
        notification_send.apply_async((pk,), ignore_result=True)
    except Exception:
        logger.warning("notification %s left for the resend task", pk)

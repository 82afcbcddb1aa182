"""The periodic sweeps of click-and-collect: expire uncollected orders, remind before.

Run by the beat tasks ``orders.expire_uncollected`` and ``orders.remind_pickups``.
Each order is handled in its own transaction, taken with SKIP LOCKED, so a
sweep never waits for (or fights) a hand-over at the counter.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Max

from orders.models import Notification, Order, Refund
from orders.services.access import order_lock, order_save
from orders.services.completion import order_unwind, refunded_total
from orders.services.history import order_event
from orders.services.notify import notification_queue
from retail import locking
from retail.models import Store

logger = logging.getLogger(__name__)

Status = Order.Status
BATCH_SIZE = 100


def _due_pks(queryset, *, after: int) -> list[int]:
    return list(
        queryset.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]
    )


def orders_expire(*, at: datetime) -> int:
    """Expire READY orders past pickup_expires_at (EXPIRED): release, refund, notify; return count.

    Each order is expired in its own transaction, taken with ``SELECT ...
    FOR UPDATE SKIP LOCKED`` (PostgreSQL; plain on SQLite): an order being
    handed over right now is skipped and ends COLLECTED.  Stock is released,
    held stored value released, points and external payments refunded,
    and the customer told.  Running it again finds nothing more to do.  An
    order that fails is logged and left for the next run.
    """
    due = Order.objects.filter(
        kind=Order.Kind.ORDER, status=Status.READY, pickup_expires_at__lte=at
    )
    count, last = 0, 0
    while pks := _due_pks(due, after=last):
        last = pks[-1]
        for pk in pks:
            try:
                count += _expire_one(pk, at=at)
            except Exception:
                logger.exception("order %s could not be expired; left for the next run", pk)
    return count


def _expire_one(pk: int, *, at: datetime) -> int:
    with locking.atomic():
        order = order_lock(pk, skip_locked=True, kind=Order.Kind.ORDER)
        if (
            order is None
            or order.status != Status.READY
            or order.pickup_expires_at is None
            or order.pickup_expires_at > at
        ):
            return 0
        refunds = order_unwind(order, reason=Refund.Reason.EXPIRED, at=at)
        amount = refunded_total(refunds)
        order.status, order.closed_at = Status.EXPIRED, at
        order_save(order, "status", "closed_at")
        order_event(order, "expired", at=at, data={"refund": str(amount)})
        notification_queue(
            order=order,
            kind=Notification.Kind.EXPIRED,
            at=at,
            context={"amount": str(amount), "currency": order.currency},
        )
    return 1


def pickups_remind(*, at: datetime) -> int:
    """Queue one reminder for READY orders within pickup_reminder_days of expiry; return count.

    Sets ``reminded_at``; an order is reminded once (the outbox key makes
    sure of it even when run twice at once).
    """
    longest = Store.objects.aggregate(days=Max("pickup_reminder_days"))["days"] or 0
    due = Order.objects.filter(
        kind=Order.Kind.ORDER,
        status=Status.READY,
        reminded_at__isnull=True,
        pickup_expires_at__gt=at,
        pickup_expires_at__lte=at + timedelta(days=longest),
    )
    count, last = 0, 0
    while pks := _due_pks(due, after=last):
        last = pks[-1]
        for pk in pks:
            count += _remind_one(pk, at=at)
    return count


def _remind_one(pk: int, *, at: datetime) -> int:
    with locking.atomic():
        order = order_lock(pk, skip_locked=True, kind=Order.Kind.ORDER)
        if order is None or order.status != Status.READY or order.reminded_at is not None:
            return 0
        days = order.collect_store.pickup_reminder_days
        if not (at < order.pickup_expires_at <= at + timedelta(days=days)):
            return 0
        notification_queue(order=order, kind=Notification.Kind.REMINDER, at=at)
        order.reminded_at = at
        order_save(order, "reminded_at")
        order_event(order, "reminded", at=at)
    return 1

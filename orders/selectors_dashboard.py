"""Reads of the HQ dashboard: click-and-collect service levels by store, failing notifications.

Both take the period and ``now`` as arguments and the store ids the reader
sees (``None``: every store), and cost a fixed number of queries.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q

from orders.models import Notification, Order
from retail.models import Store

COLLECT_FULFILMENTS = (Order.Fulfilment.CLICK_COLLECT, Order.Fulfilment.COLLECT_OTHER)
# As the store's work queue counts them (``orders.queue``): late to pick, or left on the shelf.
WAITING_TO_PICK = (Order.Status.NEW, Order.Status.PICKING)


@dataclass(frozen=True, slots=True)
class StoreServiceLevel:
    store: Store
    orders: int  # placed in the period
    median_to_ready: timedelta | None  # placed -> ready, of those placed and ready in the period
    overdue: int  # now
    expired: int  # expired in the period


def overdue_q(now: datetime) -> Q:
    """Orders late now: not picked by the promised time, or ready past the pickup window."""
    return Q(status__in=WAITING_TO_PICK, promised_at__lt=now) | Q(
        status=Order.Status.READY, pickup_expires_at__lt=now
    )


def collect_service_levels(
    *, start: datetime, end: datetime, now: datetime, store_ids: list[int] | None
) -> list[StoreServiceLevel]:
    """Click-and-collect per collecting store: orders, median time to ready, overdue, expired.

    ``orders`` and the median count orders placed in ``[start, end)``; ``expired``
    those that expired (closed) in it; ``overdue`` is as of ``now``.  Stores with
    nothing to show are left out.  Three queries.
    """
    orders = Order.objects.filter(kind=Order.Kind.ORDER, fulfilment__in=COLLECT_FULFILMENTS)
    if store_ids is not None:
        orders = orders.filter(collect_store__in=store_ids)
    placed = Q(placed_at__gte=start, placed_at__lt=end)
    expired = Q(status=Order.Status.EXPIRED, closed_at__gte=start, closed_at__lt=end)
    overdue = overdue_q(now)
    counts = (
        orders.filter(placed | expired | overdue)
        .order_by()
        .values("collect_store")
        .annotate(
            placed=Count("pk", filter=placed),
            expired=Count("pk", filter=expired),
            overdue=Count("pk", filter=overdue),
        )
    )
    by_store = {row["collect_store"]: row for row in counts}
    waits: dict[int, list[float]] = {}
    ready = orders.filter(placed, ready_at__isnull=False).order_by()
    for store_id, placed_at, ready_at in ready.values_list(
        "collect_store", "placed_at", "ready_at"
    ):
        waits.setdefault(store_id, []).append((ready_at - placed_at).total_seconds())
    stores = Store.objects.filter(pk__in=by_store).order_by("code")
    return [
        StoreServiceLevel(
            store=store,
            orders=by_store[store.pk]["placed"],
            median_to_ready=(
                timedelta(seconds=statistics.median(waits[store.pk])) if store.pk in waits else None
            ),
            overdue=by_store[store.pk]["overdue"],
            expired=by_store[store.pk]["expired"],
        )
        for store in stores
    ]


@dataclass(frozen=True, slots=True)
class FailingNotifications:
    count: int
    latest: list[Notification]


def failing_notifications(*, store_ids: list[int] | None, shown: int = 10) -> FailingNotifications:
    """Notifications given up on (``failed``): how many, and the latest with their orders.

    Store staff see those of orders their stores fulfil or collect.  Two queries.
    """
    failed = Notification.objects.filter(status=Notification.Status.FAILED)
    if store_ids is not None:
        failed = failed.filter(
            Q(order__fulfil_location__in=store_ids) | Q(order__collect_store__in=store_ids)
        )
    latest = list(failed.select_related("order").order_by("-created_at", "-pk")[:shown])
    return FailingNotifications(count=failed.count(), latest=latest)

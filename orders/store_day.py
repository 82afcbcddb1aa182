"""The store's day in orders: what "My store" counts, and the queue filtered to one of them.

Every count has a filter of the work queue behind it (``QUEUE_FILTERS``), so a
number on the home page links to exactly the orders it counts.  "Today" is the
store's calendar day in its own time zone (``store_day_bounds``); time is an
argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from orders.models import Order
from orders.queue import (
    ACTIVE_LINE_STATUSES,
    PICKABLE_STATUSES,
    QueueRow,
    QueueSection,
    WorkQueue,
    work_queue,
)
from retail.models import Store
from retail.selectors import store_day_bounds

NEW = "new"
PICKING = "picking"
READY = "ready"
OVERDUE = "overdue"
COLLECTED_TODAY = "collected_today"
EXPIRING_TODAY = "expiring_today"
# What "My store" counts, in the order it shows them; each is also a filter of the queue.
DAY_KEYS = (NEW, PICKING, READY, OVERDUE, COLLECTED_TODAY, EXPIRING_TODAY)
QUEUE_FILTERS = (NEW, PICKING, "in_transit", READY, OVERDUE, COLLECTED_TODAY, EXPIRING_TODAY)
TITLES = {
    NEW: _("New"),
    PICKING: _("Picking"),
    READY: _("Ready"),
    OVERDUE: _("Overdue"),
    COLLECTED_TODAY: _("Collected today"),
    EXPIRING_TODAY: _("Pickup expires today"),
}


@dataclass(frozen=True, slots=True)
class DayCount:
    key: str
    title: str
    count: int


def _day_filters(*, store: Store, at: datetime) -> dict[str, Q]:
    start, end = store_day_bounds(store=store, at=at)
    picks = Q(fulfil_location=store, status__in=PICKABLE_STATUSES)
    ready = Q(collect_store=store, status=Order.Status.READY)
    return {
        NEW: Q(fulfil_location=store, status=Order.Status.NEW),
        PICKING: Q(fulfil_location=store, status=Order.Status.PICKING),
        READY: ready,
        OVERDUE: (picks & Q(promised_at__lt=at)) | (ready & Q(pickup_expires_at__lt=at)),
        COLLECTED_TODAY: Q(
            collect_store=store,
            status=Order.Status.COLLECTED,
            closed_at__gte=start,
            closed_at__lt=end,
        ),
        EXPIRING_TODAY: ready & Q(pickup_expires_at__gte=start, pickup_expires_at__lt=end),
    }


def store_day_counts(*, store: Store, at: datetime) -> list[DayCount]:
    """Return the store's orders by what they need today, as "My store" shows them.

    New and picking are what ``store`` picks; ready, collected today and
    expiring today what it hands over; overdue as in the work queue (promised
    time passed while new or picking, pickup expiry passed while ready).
    Collected and expiring today are the store's local calendar day of ``at``.
    One query, however many orders.
    """
    filters = _day_filters(store=store, at=at)
    counts = Order.objects.filter(kind=Order.Kind.ORDER).aggregate(
        **{key: Count("pk", filter=filters[key]) for key in DAY_KEYS}
    )
    return [DayCount(key=key, title=str(TITLES[key]), count=counts[key]) for key in DAY_KEYS]


def _closed_rows(*, store: Store, at: datetime, condition: Q) -> list[QueueRow]:
    orders = (
        Order.objects.filter(kind=Order.Kind.ORDER)
        .filter(condition)
        .select_related("customer")
        .annotate(active_lines=Count("lines", filter=Q(lines__status__in=ACTIVE_LINE_STATUSES)))
        .order_by("-closed_at", "-pk")
    )
    return [
        QueueRow(
            order=order,
            lines_count=order.active_lines,
            age=at - order.placed_at,
            due_at=order.closed_at,
            overdue=False,
        )
        for order in orders
    ]


def work_queue_shown(
    *, store: Store, at: datetime, sort: str, show: str = ""
) -> tuple[WorkQueue, list[QueueSection]]:
    """Return the work queue and the sections to show: all, or the one ``show`` names.

    ``show`` is one of ``QUEUE_FILTERS`` (anything else shows every section).
    Expiring today is the ready section cut to the store's day; collected
    today needs one more query.  One query, two for collected today.
    """
    queue = work_queue(store=store, at=at, sort=sort)
    if show not in QUEUE_FILTERS:
        return queue, queue.sections
    if show == COLLECTED_TODAY:
        condition = _day_filters(store=store, at=at)[COLLECTED_TODAY]
        rows = _closed_rows(store=store, at=at, condition=condition)
        return queue, [QueueSection(COLLECTED_TODAY, TITLES[COLLECTED_TODAY], rows)]
    if show == EXPIRING_TODAY:
        start, end = store_day_bounds(store=store, at=at)
        rows = [
            row
            for row in queue.section(READY).rows
            if row.due_at is not None and start <= row.due_at < end
        ]
        return queue, [QueueSection(EXPIRING_TODAY, TITLES[EXPIRING_TODAY], rows)]
    return queue, [queue.section(show)]


def new_since(queue: WorkQueue, *, after_id: int) -> list[QueueRow]:
    """The new orders of ``queue`` that arrived after order ``after_id`` (ids only grow)."""
    return [row for row in queue.section(NEW).rows if row.order.pk > after_id]


def latest_order_id(queue: WorkQueue) -> int:
    """The page's mark: the newest order id in ``queue`` (0 if empty), no query of its own.

    Ids only grow and an order is new before anything else, so every order
    new after the mark was placed after the page was loaded.
    """
    return max((row.order.pk for section in queue.sections for row in section.rows), default=0)

"""Read-only selectors of the store's click-and-collect pages: work queue, pick lists, lookups.

Every selector takes the staff member's ``store`` and sees only orders that
store fulfils or collects; an order of another store is simply not there.
Query counts do not grow with the number of orders or lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from orders.models import Order, OrderEvent, OrderLine
from orders.services.numbers import pickup_code_normalize
from retail.models import Category, Store

SORT_NEWEST = "newest"
SORT_PROMISED = "promised"
SORTS = (SORT_NEWEST, SORT_PROMISED)

# Lines still part of the order (a removed line is refunded, a substituted one replaced).
ACTIVE_LINE_STATUSES = (OrderLine.Status.OPEN, OrderLine.Status.PICKED)
PICKABLE_STATUSES = (Order.Status.NEW, Order.Status.PICKING)


def orders_of_store(*, store: Store) -> QuerySet[Order]:
    """Return the orders (not POS receipts) that ``store`` fulfils or collects."""
    return Order.objects.filter(kind=Order.Kind.ORDER).filter(
        Q(fulfil_location=store) | Q(collect_store=store)
    )


def format_age(delta: timedelta) -> str:
    """Return a waiting time as staff read it: ``"45 min"``, ``"2 h 10 min"``, ``"3 d 4 h"``."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    # Abbreviations, as on a clock: translators keep them short ("2 t 10 min").
    if days:
        return pgettext("age", "%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return pgettext("age", "%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return pgettext("age", "%(minutes)s min") % {"minutes": minutes}


@dataclass(frozen=True)
class QueueRow:
    """One order in the work queue; ``due_at`` is the pickup expiry when ready, else promised."""

    order: Order
    lines_count: int
    age: timedelta
    due_at: datetime | None
    overdue: bool

    @property
    def age_text(self) -> str:
        return format_age(self.age)


@dataclass
class QueueSection:
    key: str
    title: str
    rows: list[QueueRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass
class WorkQueue:
    sections: list[QueueSection]
    sort: str

    def section(self, key: str) -> QueueSection:
        return next(section for section in self.sections if section.key == key)

    @property
    def counts(self) -> dict[str, int]:
        return {section.key: section.count for section in self.sections}


def _due_at(order: Order) -> datetime | None:
    if order.status == Order.Status.READY:
        return order.pickup_expires_at
    return order.promised_at


def _is_overdue(order: Order, at: datetime) -> bool:
    if order.status == Order.Status.READY:
        return order.pickup_expires_at is not None and order.pickup_expires_at < at
    if order.status in PICKABLE_STATUSES:
        return order.promised_at is not None and order.promised_at < at
    return False


def _sort_key(sort: str):
    """Return ``(key, reverse)``: newest placed first, or due soonest first (undated last)."""
    if sort == SORT_PROMISED:
        return (
            lambda row: (row.due_at is None, row.due_at or row.order.placed_at, row.order.pk)
        ), False
    return (lambda row: (row.order.placed_at, row.order.pk)), True


def work_queue(*, store: Store, at: datetime, sort: str = SORT_NEWEST) -> WorkQueue:
    """Return the store's open orders in sections New, Picking, In transit, Ready and Overdue.

    New and Picking hold what ``store`` picks; In transit and Ready what it
    collects.  Overdue repeats the rows whose promised time passed while new
    or picking, or whose pickup expiry passed while ready.  ``sort`` is
    ``newest`` (placed, newest first) or ``promised`` (due soonest first).
    One query.
    """
    sort = sort if sort in SORTS else SORT_NEWEST
    orders = (
        Order.objects.filter(kind=Order.Kind.ORDER)
        .filter(
            Q(fulfil_location=store, status__in=PICKABLE_STATUSES)
            | Q(collect_store=store, status__in=(Order.Status.IN_TRANSIT, Order.Status.READY))
        )
        .select_related("customer")
        .annotate(active_lines=Count("lines", filter=Q(lines__status__in=ACTIVE_LINE_STATUSES)))
    )
    sections = {
        Order.Status.NEW: QueueSection("new", _("New")),
        Order.Status.PICKING: QueueSection("picking", _("Picking")),
        Order.Status.IN_TRANSIT: QueueSection("in_transit", _("In transit")),
        Order.Status.READY: QueueSection("ready", _("Ready")),
    }
    overdue = QueueSection("overdue", _("Overdue"))
    for order in orders:
        row = QueueRow(
            order=order,
            lines_count=order.active_lines,
            age=at - order.placed_at,
            due_at=_due_at(order),
            overdue=_is_overdue(order, at),
        )
        sections[order.status].rows.append(row)
        if row.overdue:
            overdue.rows.append(row)
    key, reverse = _sort_key(sort)
    result = [*sections.values(), overdue]
    for section in result:
        section.rows.sort(key=key, reverse=reverse)
    return WorkQueue(sections=result, sort=sort)


@dataclass(frozen=True)
class PickRow:
    """One line to pick, with where it sits in the shop (its category path, root first)."""

    order: Order
    line: OrderLine
    category_path: tuple[str, ...]
    sort_key: tuple


@dataclass
class PickList:
    orders: list[Order]
    rows: list[PickRow]

    def rows_for(self, order: Order) -> list[PickRow]:
        return [row for row in self.rows if row.order.pk == order.pk]

    @property
    def total_units(self) -> int:
        return sum(row.line.quantity for row in self.rows)


def _ancestor_paths(path: str) -> list[str]:
    step = Category.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def pick_list(*, store: Store, numbers: list[str]) -> PickList:
    """Return the lines to pick of orders ``numbers`` that ``store`` picks, walk order.

    Only orders new or picking at ``store`` are included (the caller compares
    the count to what it asked for).  Rows are sorted by category path, then
    product name, so staff walk the shop once; ``rows_for(order)`` gives one
    order's rows in the same order.  Three queries.
    """
    orders = list(
        Order.objects.filter(
            kind=Order.Kind.ORDER,
            fulfil_location=store,
            status__in=PICKABLE_STATUSES,
            number__in=numbers,
        )
        .select_related("customer", "collect_store")
        .order_by("placed_at", "pk")
    )
    by_id = {order.pk: order for order in orders}
    lines = list(
        OrderLine.objects.filter(order__in=orders, status__in=ACTIVE_LINE_STATUSES)
        .select_related("product__category")
        .order_by("order_id", "line_no")
    )
    paths = {line.product.category.path for line in lines if line.product.category_id}
    wanted = {ancestor for path in paths for ancestor in _ancestor_paths(path)}
    names = dict(Category.objects.filter(path__in=wanted).values_list("path", "name"))
    rows = []
    for line in lines:
        order = by_id[line.order_id]
        category = line.product.category
        path = category.path if category else ""
        rows.append(
            PickRow(
                order=order,
                line=line,
                category_path=tuple(names.get(p, "") for p in _ancestor_paths(path)),
                sort_key=(path, line.name.casefold(), line.sku, order.placed_at, order.pk),
            )
        )
    rows.sort(key=lambda row: row.sort_key)
    return PickList(orders=orders, rows=rows)


def order_page_lines(*, order: Order) -> list[OrderLine]:
    """Return every line of ``order`` for its picking page, substitutes after their original."""
    return list(order.lines.select_related("product", "substitute_for").order_by("line_no"))


def order_ready_by_code(*, code: str, store: Store) -> Order | None:
    """Return the order READY for pickup at ``store`` with the (typed or scanned) ``code``."""
    normalized = pickup_code_normalize(code)
    if not normalized:
        return None
    return (
        Order.objects.filter(
            kind=Order.Kind.ORDER,
            collect_store=store,
            status=Order.Status.READY,
            pickup_code=normalized,
        )
        .select_related("customer")
        .first()
    )


def order_collected_by_code(*, code: str, store: Store) -> tuple[Order, OrderEvent | None] | None:
    """Return the order collected at ``store`` with ``code`` and its hand-over event, else None.

    For the counter: a code already used says when, by whom and to whom.
    """
    normalized = pickup_code_normalize(code)
    if not normalized:
        return None
    order = (
        Order.objects.filter(
            kind=Order.Kind.ORDER,
            collect_store=store,
            status=Order.Status.COLLECTED,
            pickup_code=normalized,
        )
        .select_related("customer", "collect_store", "fulfil_location")
        .first()
    )
    if order is None:
        return None
    event = (
        OrderEvent.objects.filter(order=order, kind="collected")
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    return order, event

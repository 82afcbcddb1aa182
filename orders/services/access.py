"""Taking an order to work on: its row locked first, the acting store's part, the state it is in.

Every service that changes an existing order locks its row first
(``order_lock``): the order is the aggregate that serialises all work on it,
and comes before every other row in ``retail.locking``'s global order.  The
checks here run after the lock, on the fresh row.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext

from orders.errors import InvalidOrderStateError, OrderNotFoundError
from orders.models import Order, OrderLine
from retail import locking
from retail.models import Product, Store

Status = Order.Status
LineStatus = OrderLine.Status
# Lines still coming to the customer (a removed or replaced line is not).
LIVE_LINES = (LineStatus.OPEN, LineStatus.PICKED)
SHIP_KINDS = (Order.Fulfilment.SHIP_FROM_STORE, Order.Fulfilment.HOME_DELIVERY)


def order_lock(
    order_pk: int, *, skip_locked: bool = False, kind: str | None = None
) -> Order | None:
    """Lock the order row and return it fresh (None when skipped or gone); inside a transaction.

    ``kind`` limits it to channel orders or receipts.
    """
    rows = Order.objects.filter(pk=order_pk)
    if kind is not None:
        rows = rows.filter(kind=kind)
    found = locking.rows_lock(rows, skip_locked=skip_locked)
    return found[0] if found else None


def order_locked_for(order_pk: int, store: Store | None) -> Order:
    """Lock the channel order and check ``store`` takes part in it; else ``OrderNotFoundError``."""
    locked = order_lock(order_pk, kind=Order.Kind.ORDER)
    if locked is None or (store is not None and not store_takes_part(locked, store)):
        raise OrderNotFoundError()
    return locked


def order_for_store(*, number: str, store: Store) -> Order:
    """Return order ``number`` if ``store`` fulfils or collects it; else ``OrderNotFoundError``."""
    order = (
        Order.objects.filter(number=(number or "").strip(), kind=Order.Kind.ORDER)
        .filter(Q(fulfil_location=store) | Q(collect_store=store))
        .first()
    )
    if order is None:
        raise OrderNotFoundError(field="number")
    return order


def store_takes_part(order: Order, store: Store) -> bool:
    return store.pk in (order.fulfil_location_id, order.collect_store_id)


def require_store(order: Order, store: Store, *, store_id: int | None, step: str) -> None:
    """Refuse a step done at the wrong one of the order's two stores."""
    if store.pk != store_id:
        raise InvalidOrderStateError(
            gettext("This order is %(step)s at another store.") % {"step": step},
            field="store",
            extra={"status": order.status},
        )


def require_status(order: Order, *statuses: str) -> None:
    if order.status not in statuses:
        raise InvalidOrderStateError(
            extra={"status": order.status, "allowed": [str(s) for s in statuses]}
        )


def line_locked(order: Order, line: OrderLine) -> OrderLine:
    """Lock one line of the locked ``order`` and return it fresh, with its product."""
    (locked,) = locking.rows_lock(
        OrderLine.objects.select_related("product").filter(pk=line.pk, order=order)
    )
    return locked


def live_lines(order: Order) -> list[OrderLine]:
    return list(order.lines.filter(status__in=LIVE_LINES).select_related("product"))


def require_all_picked(order: Order) -> list[OrderLine]:
    """Return the live lines, all picked; ``InvalidOrderStateError`` names the open ones."""
    lines = live_lines(order)
    open_lines = [line.line_no for line in lines if line.status == LineStatus.OPEN]
    if not lines or open_lines:
        raise InvalidOrderStateError(
            gettext("Every line must be picked first."),
            extra={"status": order.status, "open_lines": open_lines},
        )
    return lines


def quantities(lines: Iterable[OrderLine]) -> list[tuple[Product, int]]:
    return [(line.product, line.quantity) for line in lines]


def order_save(order: Order, *fields: str) -> None:
    order.save(update_fields=list(fields))

"""The steps the fulfilment services share: locking and scoping, stock, lines, readiness.

Private to ``orders.services.fulfilment``; the money side (completion and
unwinding) is ``orders.services._fulfil_money``.  Every function here runs inside
the caller's transaction with the order row already locked.  The lock order
is the same on every path (order row, then stock rows in product-pk order
inside the inventory services, then stored-value holds and accounts in
tender order, then the membership), so a hand-over racing the expiry sweep
or a cancellation queues instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Max

from inventory.models import Reservation
from inventory.services import (
    reservation_extend,
    reservation_release,
    stock_reserve,
    stock_transfer_ship,
)
from loyalty.services.stored_value import hold_extend
from orders.errors import InvalidOrderStateError, OrderNotFoundError
from orders.models import Notification, Order, OrderLine, Refund, Tender
from orders.services.common import order_event
from orders.services.notify import notification_queue
from orders.services.place import HOLD_MARGIN
from orders.services.refunds import tenders_refund
from retail.models import Product, ProductGtin, Store

Status = Order.Status
LineStatus = OrderLine.Status
# Lines still coming to the customer (a removed or replaced line is not).
LIVE_LINES = (LineStatus.OPEN, LineStatus.PICKED)
SHIP_KINDS = (Order.Fulfilment.SHIP_FROM_STORE, Order.Fulfilment.HOME_DELIVERY)


def order_lock(order_pk: int, *, skip_locked: bool = False) -> Order | None:
    """Lock the order row and return it fresh (None when skipped or gone)."""
    return (
        Order.objects.select_for_update(skip_locked=skip_locked)
        .filter(pk=order_pk, kind=Order.Kind.ORDER)
        .first()
    )


def order_locked_for(order_pk: int, store: Store | None) -> Order:
    """Lock the order and check ``store`` takes part in it; else ``OrderNotFoundError``."""
    locked = order_lock(order_pk)
    if locked is None or (store is not None and not store_takes_part(locked, store)):
        raise OrderNotFoundError()
    return locked


def store_takes_part(order: Order, store: Store) -> bool:
    return store.pk in (order.fulfil_location_id, order.collect_store_id)


def require_store(order: Order, store: Store, *, store_id: int | None, step: str) -> None:
    """Refuse a step done at the wrong one of the order's two stores."""
    if store.pk != store_id:
        raise InvalidOrderStateError(
            f"This order is {step} at another store.",
            field="store",
            extra={"status": order.status},
        )


def require_status(order: Order, *statuses: str) -> None:
    if order.status not in statuses:
        raise InvalidOrderStateError(
            extra={"status": order.status, "allowed": [str(s) for s in statuses]}
        )


def live_lines(order: Order) -> list[OrderLine]:
    return list(order.lines.filter(status__in=LIVE_LINES).select_related("product"))


def require_all_picked(order: Order) -> list[OrderLine]:
    """Return the live lines, all picked; ``InvalidOrderStateError`` names the open ones."""
    lines = live_lines(order)
    open_lines = [line.line_no for line in lines if line.status == LineStatus.OPEN]
    if not lines or open_lines:
        raise InvalidOrderStateError(
            "Every line must be picked first.",
            extra={"status": order.status, "open_lines": open_lines},
        )
    return lines


def quantities(lines: Iterable[OrderLine]) -> list[tuple[Product, int]]:
    return [(line.product, line.quantity) for line in lines]


# -- stock ---------------------------------------------------------------------


def _active_reservations(order: Order, **filters) -> list[Reservation]:
    return list(
        Reservation.objects.filter(
            reference=order.reservation_reference, status=Reservation.Status.ACTIVE, **filters
        ).order_by("pk")
    )


def reservation_ttl_left(order: Order, at: datetime) -> timedelta:
    """How long the order's reservations still hold (the margin after a pickup window if none)."""
    active = _active_reservations(order)
    if active:
        left = max(r.expires_at for r in active) - at
        if left > timedelta(0):
            return left
    return HOLD_MARGIN


def reserve(order: Order, location: Store, lines, *, ttl: timedelta, actor, at) -> None:
    stock_reserve(
        location=location,
        lines=lines,
        reference_kind=Reservation.ReferenceKind.ORDER,
        reference=order.reservation_reference,
        channel=order.channel,
        customer=order.customer,
        actor=actor,
        ttl=ttl,
        at=at,
    )


def line_unreserve(order: Order, line: OrderLine, *, actor, at: datetime) -> int:
    """Release the units reserved for ``line``; return how many were released.

    Reservations are per product, so when another live line holds the same
    product, the whole reservation is released and the rest reserved again
    (in the same transaction: the stock row stays locked, nobody takes it).
    """
    active = _active_reservations(order, location=order.fulfil_location, product=line.product)
    if not active:
        return 0  # already released (a stock count, say): nothing is held for it
    held = sum(r.quantity for r in active)
    ttl = max(r.expires_at for r in active) - at
    reservation_release(reservations=active, reason="short_pick", at=at)
    keep = held - line.quantity
    if keep > 0:
        reserve(
            order,
            order.fulfil_location,
            [(line.product, keep)],
            ttl=max(ttl, timedelta(minutes=1)),
            actor=actor,
            at=at,
        )
    return min(held, line.quantity)


def reservations_release_all(order: Order, *, reason: str, at: datetime) -> int:
    if not _active_reservations(order):
        return 0
    return reservation_release(reference=order.reservation_reference, reason=reason, at=at)


def reservations_extend_to(order: Order, *, expires_at: datetime, at: datetime) -> None:
    if _active_reservations(order):
        reservation_extend(reference=order.reservation_reference, expires_at=expires_at, at=at)


# -- money ---------------------------------------------------------------------


def holds_extend_to(order: Order, *, expires_at: datetime, at: datetime) -> None:
    """Keep every still-held stored-value tender held past the pickup window.

    A hold that already lapsed (picking took longer than the placement's
    margin) cannot be revived: the order then cannot become ready
    (``HoldNotActiveError``); customer service cancels or re-takes payment.
    """
    for tender in order.tenders.filter(status=Tender.Status.HELD).order_by("pk"):
        if tender.hold_key:
            hold_extend(hold_source_key=tender.hold_key, expires_at=expires_at, at=at)


# -- steps of the public services ------------------------------------------------


def line_substitute(
    order: Order, line: OrderLine, substitute: Product, *, actor, at: datetime
) -> OrderLine:
    """Reserve ``substitute`` for ``line``, release the line's units, add the new line."""
    if substitute.pk == line.product_id:
        raise InvalidOrderStateError("Substitute another product.", field="substitute")
    ttl = reservation_ttl_left(order, at)
    # Reserve first: if the substitute is not there, nothing else has changed.
    reserve(
        order, order.fulfil_location, [(substitute, line.quantity)], ttl=ttl, actor=actor, at=at
    )
    line_unreserve(order, line, actor=actor, at=at)
    last = order.lines.aggregate(last=Max("line_no"))["last"] or 0
    product = Product.objects.get(pk=substitute.pk)
    gtin = (
        ProductGtin.objects.filter(product=product, is_primary=True)
        .values_list("gtin", flat=True)
        .first()
    )
    new_line = OrderLine.objects.create(
        order=order,
        line_no=last + 1,
        product=product,
        sku=product.sku,
        name=product.name,
        gtin=gtin or "",
        quantity=line.quantity,
        # The price paid stays the original line's, discounts and VAT as charged.
        unit_price_amount=line.unit_price_amount,
        base_total_amount=line.base_total_amount,
        discount_amount=line.discount_amount,
        total_amount=line.total_amount,
        vat_rate=line.vat_rate,
        vat_amount=line.vat_amount,
        discounts=line.discounts,
        price_list_code=line.price_list_code,
        substitute_for=line,
    )
    line.status = LineStatus.SUBSTITUTED
    line.save(update_fields=["status"])
    order_event(
        order,
        "line_substituted",
        at=at,
        actor=actor,
        data={
            "line": line.line_no,
            "sku": line.sku,
            "by_line": new_line.line_no,
            "by_sku": new_line.sku,
        },
    )
    return new_line


def line_remove(order: Order, line: OrderLine, *, actor, at: datetime) -> dict:
    """Release the line's units and refund what it paid; return the notification context."""
    line_unreserve(order, line, actor=actor, at=at)
    amount = line.total_amount - line.refunded_amount
    refunds = tenders_refund(
        order=order,
        amount=amount,
        reason=Refund.Reason.SHORT_PICK,
        source_key=f"order:{order.number}:short:{line.line_no}",
        at=at,
    )
    line.status, line.refunded_amount = LineStatus.REMOVED, line.total_amount
    line.save(update_fields=["status", "refunded_amount"])
    order_event(
        order,
        "line_removed",
        at=at,
        actor=actor,
        data={
            "line": line.line_no,
            "sku": line.sku,
            "refund": str(amount),
            "refunds": [{"kind": r.kind, "amount": str(r.amount)} for r in refunds],
        },
    )
    return {"amount": str(amount), "currency": order.currency}


def transfer_ship(order: Order, lines: list[OrderLine], *, actor, at: datetime) -> None:
    """Ship the picked lines to the collecting store from free stock (reservations released)."""
    reservations_release_all(order, reason="transfer", at=at)
    transfer = stock_transfer_ship(
        source=order.fulfil_location,
        destination=order.collect_store,
        lines=quantities(lines),
        reference=order.number,
        actor=actor,
        at=at,
    )
    order.status, order.transfer = Status.IN_TRANSIT, transfer
    order_save(order, "status", "transfer")
    order_event(
        order,
        "transfer_shipped",
        at=at,
        actor=actor,
        data={"transfer": transfer.number, "to": order.collect_store.code},
    )


def order_make_ready(order: Order, *, actor, at: datetime) -> None:
    """READY: the pickup window starts, reservations outlive it, the customer is told."""
    expires = at + timedelta(days=order.collect_store.pickup_days)
    holds_extend_to(order, expires_at=expires + HOLD_MARGIN, at=at)
    reservations_extend_to(order, expires_at=expires + HOLD_MARGIN, at=at)
    order.status, order.ready_at, order.pickup_expires_at = Status.READY, at, expires
    order_save(order, "status", "ready_at", "pickup_expires_at")
    order_event(order, "ready", at=at, actor=actor, data={"pickup_expires_at": expires.isoformat()})
    notification_queue(order=order, kind=Notification.Kind.READY, at=at)


def order_save(order: Order, *fields: str) -> None:
    order.save(update_fields=list(fields))

"""An order's stock: reserve at a location, release a line's units, extend, release all.

Reservations are inventory's; the order names them by its reservation
reference.  Every function runs in the caller's transaction, holding the
order row (``orders.services.access.order_lock``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from inventory.selectors import reservations_active
from inventory.services import (
    ReservationReference,
    reservation_extend,
    reservation_release,
    stock_reserve,
)
from orders.models import Order, OrderLine
from orders.services.holds import HOLD_MARGIN
from retail.models import Store


def reserve(order: Order, location: Store, lines, *, ttl: timedelta, actor, at) -> None:
    """Reserve ``lines`` (product, quantity) at ``location`` for the order, all or nothing."""
    stock_reserve(
        location=location,
        lines=lines,
        reference_kind=ReservationReference.ORDER,
        reference=order.reservation_reference,
        channel=order.channel,
        customer=order.customer,
        actor=actor,
        ttl=ttl,
        at=at,
    )


def reservation_ttl_left(order: Order, at: datetime) -> timedelta:
    """How long the order's reservations still hold (the margin after a pickup window if none)."""
    active = reservations_active(reference=order.reservation_reference)
    if active:
        left = max(r.expires_at for r in active) - at
        if left > timedelta(0):
            return left
    return HOLD_MARGIN


def line_unreserve(order: Order, line: OrderLine, *, actor, at: datetime) -> int:
    """Release the units reserved for ``line``; return how many were released.

    Reservations are per product, so when another live line holds the same
    product, the whole reservation is released and the rest reserved again
    (in the same transaction: the stock row stays locked, nobody takes it).
    """
    active = reservations_active(
        reference=order.reservation_reference, location=order.fulfil_location, product=line.product
    )
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
    """Release every active reservation of the order; return how many."""
    if not reservations_active(reference=order.reservation_reference):
        return 0
    return reservation_release(reference=order.reservation_reference, reason=reason, at=at)


def reservations_extend_to(order: Order, *, expires_at: datetime, at: datetime) -> None:
    if reservations_active(reference=order.reservation_reference):
        reservation_extend(reference=order.reservation_reference, expires_at=expires_at, at=at)

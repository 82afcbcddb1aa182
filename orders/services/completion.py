"""The money side of an order's end: handing it over (consume, capture, earn) or unwinding it.

Runs in the caller's transaction holding the order row; the rows below it
are taken in ``retail.locking``'s order: coupon codes, stock rows, stored-
value accounts by pk, the membership.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from inventory.services import reservation_consume
from loyalty.services.stored_value import hold_capture, hold_release
from orders.models import Order, Refund, Tender
from orders.services.holds import lapsed_holds_settle
from orders.services.points import points_earn_for, spend_of
from orders.services.stock import reservations_release_all
from orders.services.tenders import tenders_refund
from pricing.services.coupons import coupon_redemptions_release
from retail import locking


def money_left(order: Order) -> Decimal:
    """What the order's tenders still hold or have taken and not given back."""
    return sum(
        (
            t.amount - t.refunded_amount
            for t in order.tenders.exclude(status=Tender.Status.RELEASED)
        ),
        Decimal(0),
    )


def refunded_total(refunds: Iterable[Refund]) -> Decimal:
    return sum((r.amount for r in refunds), Decimal(0))


def order_unwind(order: Order, *, reason: str, at: datetime) -> list[Refund]:
    """Undo an open order: coupon uses, stock, holds, points burned, external payment.

    Gives back each coupon use, releases the active reservations (a
    transfer already in transit is left to arrive as ordinary stock at the
    collecting store), and hands every amount the tenders still hold or
    took to ``tenders_refund``: held stored value is released, points are
    given back, the external payment becomes a PENDING refund instruction.
    Returns the refund rows.
    """
    coupon_redemptions_release(
        source_keys=[f"order:{order.number}:{code}" for code in order.coupon_codes], at=at
    )
    reservations_release_all(order, reason=reason, at=at)
    lapsed_holds_settle(order, at=at)
    left = money_left(order)
    if left <= 0:
        return []
    return tenders_refund(
        order=order,
        amount=left,
        reason=reason,
        source_key=f"order:{order.number}:{reason}",
        at=at,
    )


def order_complete(order: Order, *, step: str, actor, at: datetime) -> dict:
    """Hand the goods over: consume the reservations, capture held tenders, earn points.

    ``step`` names the source keys (``order:<number>:<step>``).  Returns what
    happened, for the event.  Raises inventory's reservation errors and
    loyalty's ``HoldNotActiveError`` (a hold that lapsed: take payment again).
    """
    movements = reservation_consume(
        reference=order.reservation_reference,
        source_key=f"order:{order.number}:{step}",
        actor=actor,
        at=at,
    )
    captured = Decimal(0)
    tenders = locking.rows_lock(order.tenders.all())
    held = [t for t in tenders if t.status == Tender.Status.HELD]
    for tender in sorted(held, key=lambda t: (t.stored_value_account_id or 0, t.pk)):
        if tender.amount == 0:  # reduced to nothing: there is nothing to charge
            hold_release(hold_source_key=tender.hold_key, at=at)
            tender.status = Tender.Status.RELEASED
            tender.save(update_fields=["status"])
            continue
        key = f"order:{order.number}:capture:{tender.pk}"
        hold_capture(hold_source_key=tender.hold_key, amount=tender.amount, source_key=key, at=at)
        tender.status, tender.redemption_key = Tender.Status.CAPTURED, key
        tender.save(update_fields=["status", "redemption_key"])
        captured += tender.amount
    points = points_earn_for(order, spend=spend_of(tenders), at=at) if order.customer_id else 0
    return {
        "movements": len(movements),
        "captured": str(captured),
        "points_earned": points,
    }

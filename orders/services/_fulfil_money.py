"""The money side of fulfilment: hand-over (consume, capture, earn) and unwinding an order.

Private to ``orders.services.fulfilment``; runs inside the caller's
transaction with the order row locked (the lock order of ``_fulfil_steps``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from inventory.services import reservation_consume
from loyalty.models import Membership, StoredValueHold
from loyalty.services.points import points_earn, points_earned_for
from loyalty.services.stored_value import hold_capture, hold_release
from orders.models import Order, Refund, Tender
from orders.services._fulfil_steps import reservations_release_all
from orders.services.common import order_event
from orders.services.refunds import tenders_refund
from pricing.services.coupons import coupon_redemption_release


def money_left(order: Order) -> Decimal:
    """What the order's tenders still hold or have taken and not given back."""
    return sum(
        (
            t.amount - t.refunded_amount
            for t in order.tenders.exclude(status=Tender.Status.RELEASED)
        ),
        Decimal(0),
    )


def _lapsed_holds_settle(order: Order, *, at: datetime) -> None:
    """A hold that expired took nothing: record the tender as released at zero.

    ``tenders_refund`` would otherwise try to release it again (and fail).
    """
    for tender in order.tenders.select_for_update().filter(status=Tender.Status.HELD):
        hold = StoredValueHold.objects.filter(source_key=tender.hold_key).first()
        if hold is None or hold.status == StoredValueHold.Status.ACTIVE:
            continue
        order_event(
            order,
            "hold_lapsed",
            at=at,
            data={"tender": tender.pk, "amount": str(tender.amount), "hold": hold.status},
        )
        tender.amount, tender.status = Decimal(0), Tender.Status.RELEASED
        tender.save(update_fields=["amount", "status"])


def order_unwind(order: Order, *, reason: str, at: datetime) -> list[Refund]:
    """Undo an open order: stock, coupon uses, holds, points burned, external payment.

    Releases the active reservations (a transfer already in transit is left
    to arrive as ordinary stock at the collecting store), gives back each
    coupon use, and hands every amount the tenders still hold or took to
    ``tenders_refund``: held stored value is released, points are given
    back, the external payment becomes a PENDING refund instruction.
    Returns the refund rows.
    """
    reservations_release_all(order, reason=reason, at=at)
    for code in order.coupon_codes:
        coupon_redemption_release(source_key=f"order:{order.number}:{code}", at=at)
    _lapsed_holds_settle(order, at=at)
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


def refunded_total(refunds: Iterable[Refund]) -> Decimal:
    return sum((r.amount for r in refunds), Decimal(0))


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
    tenders = list(order.tenders.select_for_update().order_by("pk"))
    for tender in tenders:
        if tender.status != Tender.Status.HELD:
            continue
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
    points = _points_earn(order, tenders, at=at)
    return {
        "movements": len(movements),
        "captured": str(captured),
        "points_earned": points,
    }


def _points_earn(order: Order, tenders: list[Tender], *, at: datetime) -> int:
    """Earn points on the money paid (not on points) when the customer is a member."""
    if order.customer_id is None:
        return 0
    membership = Membership.objects.filter(
        customer_id=order.customer_id, status=Membership.Status.ACTIVE
    ).first()
    if membership is None:
        return 0
    spend = sum(
        (
            t.amount - t.refunded_amount
            for t in tenders
            if t.kind != Tender.Kind.POINTS and t.status != Tender.Status.RELEASED
        ),
        Decimal(0),
    )
    if spend <= 0 or points_earned_for(spend, order.currency) <= 0:
        return 0
    entry = points_earn(
        membership=membership,
        spend_amount=spend,
        currency=order.currency,
        source_key=f"order:{order.number}:earn",
        reference=order.number,
        channel=order.channel,
        at=at,
    )
    return entry.points

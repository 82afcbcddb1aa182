"""An order's loyalty points: earned when the goods are handed over, taken back on a return."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from loyalty.selectors import earn_spend_left, membership_active_for
from loyalty.services.points import points_earn, points_earned_for
from loyalty.services.reversals import points_earn_reverse
from orders.models import Order, Tender


def earn_source_key(order: Order) -> str:
    """The key the order's (or receipt's) points are earned under."""
    if order.kind == Order.Kind.RECEIPT:
        return f"receipt:{order.collect_store.code}:{order.receipt_id}:earn"
    return f"order:{order.number}:earn"


def spend_of(tenders: Iterable[Tender]) -> Decimal:
    """What the tenders paid in money, not in points (a released hold paid nothing)."""
    return sum(
        (
            t.amount - t.refunded_amount
            for t in tenders
            if t.kind != Tender.Kind.POINTS and t.status != Tender.Status.RELEASED
        ),
        Decimal(0),
    )


def points_earn_for(order: Order, *, spend: Decimal, at: datetime) -> int:
    """Earn points on ``spend`` when the customer is an active member; return the points.

    Source key ``earn_source_key(order)``, so a repeated hand-over or a
    re-sent receipt earns once.  A spend too small for a whole point earns 0.
    """
    membership = membership_active_for(customer_id=order.customer_id)
    if membership is None or spend <= 0 or points_earned_for(spend, order.currency) <= 0:
        return 0
    entry = points_earn(
        membership=membership,
        spend_amount=spend,
        currency=order.currency,
        source_key=earn_source_key(order),
        reference=order.number,
        channel=order.channel,
        at=at,
    )
    return entry.points


def points_take_back(order: Order, amount: Decimal, *, source_key: str, at: datetime) -> int:
    """Reverse the points earned on ``amount`` of the order; return the points taken.

    The spend reversed is bounded by what the purchase earned on and has not
    yet given back, so many partial returns never lower the tier spend more
    than the purchase raised it.
    """
    key = earn_source_key(order)
    left = earn_spend_left(earn_source_key=key)
    if left is None or amount <= 0:
        return 0
    spend = min(amount, left)
    if spend <= 0:
        return 0
    entry = points_earn_reverse(
        earn_source_key=key, spend_amount=spend, source_key=source_key, at=at
    )
    return -entry.points if entry is not None else 0

"""How long an order holds stock and stored value, and keeping the holds past its pickup window.

The placement holds for the pickup window plus ``HOLD_MARGIN`` (three days
more when the goods come from another store); ``order_ready`` extends the
holds and the reservations past the new window, so the customer gets the
whole window whenever picking finished.  The order's own expiry releases
them first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from loyalty.selectors import HoldStatus, hold_status
from loyalty.services.stored_value import hold_extend
from orders.models import Order, Tender
from orders.services.history import order_event
from retail import locking
from retail.models import Store

# Reservations and holds of an order outlive its pickup window by this margin.
HOLD_MARGIN = timedelta(days=3)
SHIP_HOLD_DAYS = 7
TRANSFER_DAYS = timedelta(days=3)


def hold_ttl(*, location: Store, collect: Store | None) -> timedelta:
    """How long a new order's reservations and holds last: window, margin, transfer time."""
    window = timedelta(days=(collect.pickup_days if collect else SHIP_HOLD_DAYS))
    return window + HOLD_MARGIN + (TRANSFER_DAYS if location != collect else timedelta())


def holds_extend_to(order: Order, *, expires_at: datetime, at: datetime) -> None:
    """Keep every still-held stored-value tender held until ``expires_at``.

    Locks the order's tenders; call holding the order.  A hold that already
    lapsed (picking took longer than the placement's margin) cannot be
    revived: the order then cannot become ready (``HoldNotActiveError``);
    customer service cancels or re-takes payment.  Holds are extended in
    account order (``retail.locking``).
    """
    tenders = locking.rows_lock(order.tenders.filter(status=Tender.Status.HELD))
    for tender in sorted(tenders, key=lambda t: (t.stored_value_account_id or 0, t.pk)):
        if tender.hold_key:
            hold_extend(hold_source_key=tender.hold_key, expires_at=expires_at, at=at)


def lapsed_holds_settle(order: Order, *, at: datetime) -> None:
    """A hold that expired took nothing: record its tender as released at zero.

    ``tenders_refund`` would otherwise try to release it again (and fail).
    Call holding the order.
    """
    for tender in locking.rows_lock(order.tenders.filter(status=Tender.Status.HELD)):
        status = hold_status(source_key=tender.hold_key)
        if status is None or status == HoldStatus.ACTIVE:
            continue
        order_event(
            order,
            "hold_lapsed",
            at=at,
            data={"tender": tender.pk, "amount": str(tender.amount), "hold": status},
        )
        tender.amount, tender.status = Decimal(0), Tender.Status.RELEASED
        tender.save(update_fields=["amount", "status"])

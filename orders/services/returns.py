"""Returns and exchanges in any channel, of any order or receipt line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from orders.models import Order, Return
from orders.services.place import TenderRequest
from retail.models import Channel, Store


@dataclass(frozen=True)
class ReturnRequestLine:
    line_no: int
    quantity: int
    condition: str = "resellable"  # ReturnLine.Condition


def return_create(
    *,
    order: Order,
    lines: Sequence[ReturnRequestLine],
    channel: Channel,
    store: Store | None,
    source_key: str,
    refund_to: str = Return.RefundTo.ORIGINAL,
    reason: str = "",
    actor=None,
    at: datetime,
) -> Return:
    """Take lines back at ``store`` (None: by post, to the warehouse) and refund them.

    Within ``settings.ORDERS_RETURN_DAYS`` of the purchase (collected_at /
    placed_at of a receipt) else ``ReturnWindowClosedError``; only
    collected/shipped/completed orders, lines not removed, quantity within
    what is left (``ReturnNotAllowedError`` naming ``lines.<i>``).  Each
    returned unit refunds its share of the line's paid total (largest-
    remainder so the last unit takes the rest; never more than paid);
    resellable units go back to stock at the returning store
    (``stock_record_return``), damaged ones are written off (a return then
    an adjust with reason, or just not returned to sellable stock).
    Refunds go to the original tenders or as one credit note; earned points
    are reversed (``points_earn_reverse``) so tier spend drops; a
    ``refund_issued`` notification is queued.  Idempotent on ``source_key``.
    """
    raise NotImplementedError


def exchange_create(
    *,
    order: Order,
    lines: Sequence[ReturnRequestLine],
    new_lines: Sequence[tuple[str, int]],
    channel: Channel,
    store: Store,
    source_key: str,
    tenders: Sequence[TenderRequest] = (),
    actor=None,
    at: datetime,
) -> Return:
    """Return ``lines`` and sell ``new_lines`` at ``store`` in one step; settle the difference.

    The returned value is credited against the new sale first; if the new
    sale costs more, ``tenders`` pay the difference; if less, the rest is
    refunded to the original tenders.  The new sale is an in-store Order
    (kind receipt-like, COMPLETED, stock sold at ``store``) linked as
    ``Return.exchange_order``.
    """
    raise NotImplementedError

"""Returns and exchanges in any channel, of any order or receipt line.

Lock order (``retail.locking``): the original order's row first
(serialising every return of that order), then the stock rows the units go
back to (an exchange takes the rows of both what comes back and what it
sells at once), the order's tenders (``tenders_refund``), stored-value
accounts by pk and last the membership.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext

from orders.errors import ReturnNotAllowedError
from orders.models import Order, Return
from orders.services.access import order_lock
from orders.services.exchanges import exchange_price, exchange_settle, stock_rows_lock
from orders.services.history import order_event
from orders.services.notify import notification_queue
from orders.services.points import points_take_back
from orders.services.return_parts import return_check, return_find, return_write
from orders.services.tenders import TenderRequest, tenders_refund
from retail import locking
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

    The purchase date is the order's ``closed_at`` (hand-over, shipping, a
    receipt's sale).  By post, units go to the channel's warehouse (else the
    order's fulfilling location).  Locks the order row, so concurrent
    returns of one line never refund more than it paid.
    """
    if refund_to not in Return.RefundTo.values:
        raise ReturnNotAllowedError(
            gettext("Refund to the original tenders or a credit note."), field="refund_to"
        )
    done = return_find(source_key)
    if done is not None:
        return done
    with locking.atomic():
        order = order_lock(order.pk)
        done = return_find(source_key)
        if done is not None:
            return done
        checked = return_check(order, lines, at=at)
        record = return_write(
            order,
            checked,
            channel=channel,
            store=store,
            source_key=source_key,
            refund_to=refund_to,
            reason=reason,
            actor=actor,
            at=at,
        )
        amount = record.refund_amount
        refunds = tenders_refund(
            order=order,
            amount=amount,
            reason="return",
            source_key=f"return:{record.number}",
            return_record=record,
            to_credit_note=refund_to == Return.RefundTo.CREDIT_NOTE,
            at=at,
        )
        points = points_take_back(
            order, amount, source_key=f"return:{record.number}:earn-reversal", at=at
        )
        order_event(
            order,
            "returned",
            at=at,
            actor=actor,
            message=f"Return {record.number}: {order.currency} {amount}",
            data={
                "return": record.number,
                "store": store.code if store else None,
                "lines": [
                    {"line_no": c.line.line_no, "quantity": c.quantity, "condition": c.condition}
                    for c in checked
                ],
                "refund": str(amount),
                "refund_to": refund_to,
                "refunds": [{"kind": r.kind, "amount": str(r.amount)} for r in refunds],
                "points_reversed": points,
            },
        )
        if amount > 0:
            notification_queue(
                order=order,
                kind="refund_issued",
                at=at,
                context={
                    "amount": str(amount),
                    "currency": order.currency,
                    "return_number": record.number,
                },
                key_suffix=record.number,
            )
    return record


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

    The new sale is priced for the order's customer at ``store`` now, and
    recorded as a receipt with id ``exchange:<return number>``.  The credit
    moves as a credit note issued for the returned value (up to the new
    sale's total) and redeemed at once by the new sale, so both ledgers
    show it and a later return of the new sale refunds to it.
    ``Return.refund_amount`` is the money given back (the rest, if any).
    Raises the errors of ``return_create``, pricing's product errors
    (naming ``new_lines.<i>``), ``TenderMismatchError`` when the tenders do
    not pay the difference exactly, and loyalty's stored-value errors; any
    of them leaves nothing behind.  Idempotent on ``source_key``.
    """
    done = return_find(source_key)
    if done is not None:
        return done
    priced, products = exchange_price(
        order=order, new_lines=new_lines, channel=channel, store=store, at=at
    )
    with locking.atomic():
        order = order_lock(order.pk)
        done = return_find(source_key)
        if done is not None:
            return done
        checked = return_check(order, lines, at=at)
        stock_rows_lock(
            store=store,
            product_ids=[c.line.product_id for c in checked] + list(products),
        )
        record = return_write(
            order,
            checked,
            channel=channel,
            store=store,
            source_key=source_key,
            refund_to=Return.RefundTo.ORIGINAL,
            reason="exchange",
            actor=actor,
            at=at,
        )
        value = record.refund_amount
        settled = exchange_settle(
            order=order,
            record=record,
            priced=priced,
            products=products,
            value=value,
            channel=channel,
            store=store,
            tenders=tenders,
            actor=actor,
            at=at,
        )
        points = points_take_back(
            order, value, source_key=f"return:{record.number}:earn-reversal", at=at
        )
        order_event(
            order,
            "exchanged",
            at=at,
            actor=actor,
            message=f"Exchange {record.number}: new sale {settled.new_order.number}",
            data={
                "return": record.number,
                "exchange_order": settled.new_order.number,
                "returned_value": str(value),
                "new_total": str(settled.new_order.total_amount),
                "paid": str(settled.paid),
                "refund": str(settled.refund),
                "points_reversed": points,
            },
        )
        if settled.refund > 0:
            notification_queue(
                order=order,
                kind="refund_issued",
                at=at,
                context={
                    "amount": str(settled.refund),
                    "currency": order.currency,
                    "return_number": record.number,
                },
                key_suffix=record.number,
            )
    return record

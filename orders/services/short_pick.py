"""A line that cannot be picked as ordered: substitute it under the shop's price rule, or remove it.

Runs in the short-pick's transaction, holding the order row.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext

from inventory.services import stock_levels_lock
from orders.errors import InvalidOrderStateError
from orders.models import Order, OrderLine, Refund
from orders.selectors_short_pick import substitute_quote
from orders.services.history import order_event
from orders.services.order_lines import substitute_line_add
from orders.services.stock import line_unreserve, reservation_ttl_left, reserve
from orders.services.tenders import tenders_refund
from retail.models import Product


def line_substitute(
    order: Order, line: OrderLine, substitute: Product, *, actor, at: datetime
) -> OrderLine:
    """Reserve ``substitute`` for ``line``, release the line's units, add the new line.

    The new line keeps the price paid; the shop's rule
    (``orders.conf.substitute_price_rule``) decides the difference: a
    cheaper substitute under ``refund_cheaper`` refunds it to the tenders
    (recorded as the new line's ``refunded_amount``).  The rule and the
    substitute's own price are recorded on the new line.
    """
    if substitute.pk == line.product_id:
        raise InvalidOrderStateError(gettext("Substitute another product."), field="substitute")
    ttl = reservation_ttl_left(order, at)
    # Both items' stock rows first, in the lock order, then reserve before releasing:
    # if the substitute is not there, nothing else has changed.
    stock_levels_lock(location=order.fulfil_location, product_ids=[substitute.pk, line.product_id])
    reserve(
        order, order.fulfil_location, [(substitute, line.quantity)], ttl=ttl, actor=actor, at=at
    )
    line_unreserve(order, line, actor=actor, at=at)
    quote = substitute_quote(order=order, line=line, product=substitute, at=at)
    new_line = substitute_line_add(order, line, substitute)
    new_line.substitute_rule = quote.rule
    new_line.substitute_price_amount = quote.substitute_total
    # A substitute of a substitute keeps what was already given back for the line.
    new_line.refunded_amount = line.refunded_amount
    refunds = []
    if quote.refund > 0:
        refunds = tenders_refund(
            order=order,
            amount=quote.refund,
            reason=Refund.Reason.SHORT_PICK,
            source_key=f"order:{order.number}:substitute:{line.line_no}",
            at=at,
        )
        new_line.refunded_amount += quote.refund
    new_line.save(update_fields=["substitute_rule", "substitute_price_amount", "refunded_amount"])
    line.status = OrderLine.Status.SUBSTITUTED
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
            "rule": quote.rule,
            "substitute_total": None
            if quote.substitute_total is None
            else str(quote.substitute_total),
            "difference": str(quote.difference),
            "refund": str(quote.refund),
            "refunds": [{"kind": r.kind, "amount": str(r.amount)} for r in refunds],
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
    line.status, line.refunded_amount = OrderLine.Status.REMOVED, line.total_amount
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

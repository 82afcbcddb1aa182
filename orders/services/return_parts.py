"""The parts of a return: the checks, each unit's refund share, the record, stock and points back.

Every function here runs inside the caller's transaction, after the order
row is locked (``orders.services.access.order_lock``): that lock serialises
the returns of one order, so two counters taking back the last unit of a
line can never both refund it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils.translation import gettext

from inventory.selectors import channel_warehouse
from inventory.services import stock_adjust, stock_record_return
from orders import conf
from orders.errors import ReturnNotAllowedError, ReturnWindowClosedError
from orders.models import Order, OrderLine, Return, ReturnLine
from orders.services.numbers import return_number_new
from retail.models import Channel, Product, Store
from retail.money import minor_units, quantize
from retail.money_fields import money_expr

RETURNABLE = (Order.Status.COLLECTED, Order.Status.SHIPPED, Order.Status.COMPLETED)
NOT_HANDED_OVER = (OrderLine.Status.REMOVED, OrderLine.Status.SUBSTITUTED)
DAMAGED_REASON = "damaged return"


@dataclass(frozen=True)
class CheckedLine:
    """One requested line, checked: ``position`` is its 1-based place in the request."""

    position: int
    line: OrderLine
    quantity: int
    condition: str
    refund: Decimal


def units_refund(
    *,
    total: Decimal,
    quantity: int,
    returned: int,
    refunded: Decimal,
    count: int,
    currency: str,
    unit_paid: Sequence[str | Decimal] = (),
) -> Decimal:
    """Refund for ``count`` more units of a line of ``quantity`` units that paid ``total``.

    With ``unit_paid`` (what each unit paid, lowest first, as the pricing
    engine shared every discount over the units taking part) each unit gives
    back its own share, whatever line it came on: units are taken back in
    that order, after the ``returned`` ones.  Without it (a POS receipt that
    sent no unit shares) the paid total is split over the units by largest
    remainder, the extra minor units going to the last units (100.00 over 3:
    33.33, 33.33, 33.34).  Either way the return that takes the last unit
    gets whatever is left, and no return gets more than ``total - refunded``.
    """
    left = total - refunded
    if left <= 0 or count <= 0:
        return quantize(Decimal(0), currency)
    if returned + count >= quantity:
        return quantize(left, currency)
    if len(unit_paid) == quantity:
        share = sum((Decimal(paid) for paid in unit_paid[returned : returned + count]), Decimal(0))
        return quantize(min(share, left), currency)
    exponent = minor_units(currency)
    minor = int(quantize(total, currency).scaleb(exponent))
    base, extra = divmod(minor, quantity)

    def upto(units: int) -> int:
        return units * base + max(0, units - (quantity - extra))

    share = Decimal(upto(returned + count) - upto(returned)).scaleb(-exponent)
    return quantize(min(share, left), currency)


def return_find(source_key: str) -> Return | None:
    return Return.objects.filter(source_key=source_key).first()


def return_check(
    order: Order, lines: Sequence, *, at: datetime, field: str = "lines"
) -> list[CheckedLine]:
    """Check a return of ``lines`` (``ReturnRequestLine``) of the locked ``order`` at ``at``.

    Raises ``ReturnNotAllowedError`` (the order is not handed over; a line
    unknown, not handed over, or more than is left to return: naming
    ``lines.<i>``) and ``ReturnWindowClosedError``.  Returns the lines with
    the refund of each.
    """
    if order.status not in RETURNABLE:
        raise ReturnNotAllowedError(
            gettext("The order has not been handed over yet."),
            field="order",
            extra={"status": order.status},
        )
    bought = order.closed_at or order.placed_at
    days = conf.return_days()
    if at > bought + timedelta(days=days):
        raise ReturnWindowClosedError(
            extra={"purchased_at": bought.isoformat(), "return_days": days}
        )
    if not lines:
        raise ReturnNotAllowedError(gettext("Name the lines to return."), field=field)
    by_no = {line.line_no: line for line in OrderLine.objects.filter(order=order).order_by("pk")}
    taken: dict[int, int] = defaultdict(int)
    taken_amount: dict[int, Decimal] = defaultdict(Decimal)
    checked = []
    for i, request in enumerate(lines):
        name = f"{field}.{i}"
        line = by_no.get(request.line_no)
        if line is None:
            raise ReturnNotAllowedError(gettext("The order has no such line."), field=name)
        if line.status in NOT_HANDED_OVER:
            raise ReturnNotAllowedError(gettext("This line was never handed over."), field=name)
        if request.condition not in ReturnLine.Condition.values:
            raise ReturnNotAllowedError(gettext("Say whether it can be sold again."), field=name)
        quantity = request.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ReturnNotAllowedError(gettext("Return one unit or more."), field=name)
        returned = line.returned_quantity + taken[line.pk]
        if quantity > line.quantity - returned:
            raise ReturnNotAllowedError(
                gettext("More than is left to return."),
                field=name,
                extra={"left": line.quantity - returned},
            )
        refund = units_refund(
            total=line.total_amount,
            quantity=line.quantity,
            returned=returned,
            refunded=line.refunded_amount + taken_amount[line.pk],
            count=quantity,
            currency=order.currency,
            unit_paid=line.unit_paid,
        )
        taken[line.pk] += quantity
        taken_amount[line.pk] += refund
        checked.append(CheckedLine(i + 1, line, quantity, request.condition, refund))
    return checked


def return_write(
    order: Order,
    checked: Sequence[CheckedLine],
    *,
    channel: Channel,
    store: Store | None,
    source_key: str,
    refund_to: str,
    reason: str,
    actor,
    at: datetime,
) -> Return:
    """Record the return and its lines, count them returned on the order lines, restock."""
    record = Return.objects.create(
        number=return_number_new(),
        order=order,
        store=store,
        channel=channel,
        refund_to=refund_to,
        refund_amount=sum((c.refund for c in checked), Decimal(0)),
        currency=order.currency,
        source_key=source_key,
        reason=(reason or "")[:200],
        created_at=at,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(
                return_record=record,
                order_line=c.line,
                quantity=c.quantity,
                condition=c.condition,
                refund_amount=c.refund,
            )
            for c in checked
        ]
    )
    for c in checked:
        OrderLine.objects.filter(pk=c.line.pk).update(
            returned_quantity=F("returned_quantity") + c.quantity,
            refunded_amount=money_expr(F("refunded_amount") + c.refund),
        )
    stock_take_back(record, checked, channel=channel, actor=actor, at=at)
    return record


def return_location(order: Order, *, channel: Channel, store: Store | None) -> Store:
    """Where returned units go: the returning store; by post the channel's warehouse."""
    if store is not None:
        return store
    return channel_warehouse(channels=[channel, order.channel]) or order.fulfil_location


def stock_take_back(
    record: Return, checked: Sequence[CheckedLine], *, channel: Channel, actor, at: datetime
) -> None:
    """Put the units back on hand; write damaged ones off again, so the ledger shows both."""
    location = return_location(record.order, channel=channel, store=record.store)
    products = Product.objects.in_bulk({c.line.product_id for c in checked})
    label = f"return {record.number}"
    for c in sorted(checked, key=lambda c: (c.line.product_id, c.position)):
        damaged = c.condition == ReturnLine.Condition.DAMAGED
        product = products[c.line.product_id]
        stock_record_return(
            location=location,
            product=product,
            quantity=c.quantity,
            receipt_id=record.number,
            line_no=c.position,
            actor_label=label,
            reason=DAMAGED_REASON if damaged else f"return of {record.order.number}",
            at=at,
        )
        if damaged:
            stock_adjust(
                location=location,
                product=product,
                quantity=-c.quantity,
                reason=DAMAGED_REASON,
                source_key=f"return:{record.number}:{c.position}:write-off",
                actor=actor,
                actor_label=label,
                at=at,
            )

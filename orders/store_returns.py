"""Reads of the returns counter: find a purchase, what is left to return, the refund to expect.

A store sees the orders it fulfils or collects and its own till's receipts.
Returns are taken anywhere (``orders.api.scope``): a purchase of another
store or channel is reachable through its customer, when the customer
belongs to the store's market; a purchase without a customer comes back
where it was bought.  Nothing here writes: the previews run the same checks
and the same refund split as the services, so what the page shows is what
``return_create`` / ``exchange_create`` will do.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import phonenumbers
from django.db.models import Q, QuerySet

from loyalty.selectors import stored_value_account_get
from orders import conf
from orders.models import Order, OrderLine, Refund, Return, Tender
from orders.services.exchanges import exchange_price
from orders.services.numbers import pickup_code_normalize
from orders.services.return_parts import NOT_HANDED_OVER, RETURNABLE, CheckedLine, return_check
from orders.services.tenders import refund_plan
from retail.models import Channel, Customer, Store

RECENT_PURCHASES = 20

# Why a purchase cannot come back (the page words each one).
NOT_HANDED_OVER_YET = "not_handed_over"
WINDOW_CLOSED = "window_closed"
FULLY_RETURNED = "fully_returned"

# What a search found.
FOUND_ORDER = "order"
FOUND_CUSTOMER = "customer"
NOT_FOUND = "not_found"
OTHER_MARKET = "other_market"


def returnable_orders(*, store: Store, customer: Customer | None = None) -> QuerySet[Order]:
    """Return the orders and receipts ``store`` may take back: its own, and ``customer``'s.

    ``customer``'s purchases from every store and channel count only when the
    customer belongs to the store's market (as for a store key over the API).
    """
    mine = Q(fulfil_location=store) | Q(collect_store=store)
    if customer is not None and customer.market and customer.market == store.country:
        mine |= Q(customer=customer)
    return Order.objects.filter(mine)


def customer_for_store(*, store: Store, public_id: str) -> Customer | None:
    """Return the customer with ``public_id`` if the store's market may see them."""
    try:
        customer = Customer.objects.filter(public_id=uuid.UUID(str(public_id))).first()
    except ValueError:  # not a UUID: nobody
        return None
    if customer is None or not customer.market or customer.market != store.country:
        return None
    return customer


@dataclass(frozen=True)
class Purchase:
    order: Order
    blocker: str  # "" when something can still come back


@dataclass
class FindResult:
    """What the one search box found: an order, a customer and their purchases, or nothing."""

    outcome: str
    order: Order | None = None
    customer: Customer | None = None
    purchases: list[Purchase] = field(default_factory=list)
    other_market: bool = False  # a customer of another market: this store's purchases only


def purchase_find(*, store: Store, text: str, at: datetime) -> FindResult:
    """Find what was scanned or typed: order number, receipt id, pickup code or a customer.

    Numbers and codes are looked up among the store's own orders and
    receipts only; a customer (e-mail, member number, phone) lists their
    recent handed-over purchases from every store of the market, each with
    why it cannot come back at ``at`` (``return_blocker``), if it cannot.
    """
    text = (text or "").strip()[:100]
    if not text:
        return FindResult(NOT_FOUND)
    code = pickup_code_normalize(text)
    matches = Q(number=text) | Q(receipt_id=text)
    if code:
        matches |= Q(kind=Order.Kind.ORDER, pickup_code=code)
    found = list(returnable_orders(store=store).filter(matches).order_by("pk")[:10])
    # One query; a number wins over a receipt id, a receipt id over a pickup code.
    order = (
        next((o for o in found if o.number == text), None)
        or next((o for o in found if o.receipt_id == text), None)
        or next(iter(found), None)
    )
    if order is not None:
        return FindResult(FOUND_ORDER, order=order)
    customer = _customer_by_identifier(text, store=store)
    if customer is None:
        return FindResult(NOT_FOUND)
    # A customer of another market: only what they bought at this store comes back here.
    own_market = bool(customer.market) and customer.market == store.country
    orders = (
        returnable_orders(store=store, customer=customer if own_market else None)
        .filter(customer=customer, status__in=RETURNABLE)
        .select_related("collect_store", "fulfil_location", "channel")
        .prefetch_related("lines")
        .order_by("-placed_at", "-pk")[:RECENT_PURCHASES]
    )
    purchases = [
        Purchase(order, return_blocker(order=order, lines=_left(order.lines.all()), at=at))
        for order in orders
    ]
    if not own_market and not purchases:
        return FindResult(OTHER_MARKET)
    return FindResult(
        FOUND_CUSTOMER, customer=customer, purchases=purchases, other_market=not own_market
    )


def _customer_by_identifier(text: str, *, store: Store) -> Customer | None:
    customers = Customer.objects.all()
    if "@" in text:
        return customers.filter(email__iexact=text).first()
    found = customers.filter(member_number=text).first()
    if found is not None:
        return found
    try:
        number = phonenumbers.parse(text, str(store.country) or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return customers.filter(phone=e164).first()


@dataclass(frozen=True)
class LineLeft:
    line: OrderLine
    left: int  # bought minus already returned


def lines_left(*, order: Order) -> list[LineLeft]:
    """Return the handed-over lines of ``order`` with what is still left to return."""
    return _left(order.lines.order_by("line_no"))


def _left(lines) -> list[LineLeft]:
    return [
        LineLeft(line, line.quantity - line.returned_quantity)
        for line in sorted(lines, key=lambda line: line.line_no)
        if line.status not in NOT_HANDED_OVER
    ]


def return_blocker(*, order: Order, lines: Sequence[LineLeft], at: datetime) -> str:
    """Return why nothing of ``order`` can come back at ``at`` (a code above), or ``""``."""
    if order.status not in RETURNABLE:
        return NOT_HANDED_OVER_YET
    if at > return_deadline(order):
        return WINDOW_CLOSED
    if not any(row.left > 0 for row in lines):
        return FULLY_RETURNED
    return ""


def return_deadline(order: Order) -> datetime:
    return (order.closed_at or order.placed_at) + timedelta(days=conf.return_days())


@dataclass(frozen=True)
class ExchangeLine:
    name: str
    sku: str
    quantity: int
    total: Decimal


@dataclass(frozen=True)
class ReturnPreview:
    """What confirming will do: the lines and their refunds, the split, an exchange's figures."""

    lines: list[CheckedLine]
    value: Decimal  # what the returned units are worth (their paid shares)
    refund: Decimal  # money given back
    shares: list[tuple[Tender, Decimal]]  # per original tender; empty for a credit note
    new_lines: list[ExchangeLine] = field(default_factory=list)
    new_total: Decimal | None = None
    due: Decimal = Decimal(0)  # what the customer pays on top (exchange)


def return_preview(*, order: Order, lines: Sequence, refund_to: str, at: datetime) -> ReturnPreview:
    """Check a return as ``return_create`` will and show its refund split (no write).

    Raises the errors of ``return_check``.
    """
    checked = return_check(order, lines, at=at)
    value = sum((c.refund for c in checked), Decimal(0))
    shares = []
    if refund_to == Return.RefundTo.ORIGINAL:
        shares = refund_plan(list(order.tenders.all()), value)
    return ReturnPreview(lines=checked, value=value, refund=value, shares=shares)


def exchange_preview(
    *,
    order: Order,
    lines: Sequence,
    new_lines: Sequence[tuple[str, int]],
    channel: Channel,
    store: Store,
    at: datetime,
) -> ReturnPreview:
    """Check an exchange as ``exchange_create`` will: the new sale's price and the difference.

    Raises the errors of ``return_check`` and of pricing (``new_lines.<i>``).
    """
    checked = return_check(order, lines, at=at)
    priced, products = exchange_price(
        order=order, new_lines=new_lines, channel=channel, store=store, at=at
    )
    value = sum((c.refund for c in checked), Decimal(0))
    credit = min(value, priced.total)
    rest = value - credit
    return ReturnPreview(
        lines=checked,
        value=value,
        refund=rest,
        shares=refund_plan(list(order.tenders.all()), rest) if rest > 0 else [],
        new_lines=[
            ExchangeLine(products[line.product_id].name, line.sku, line.quantity, line.total)
            for line in priced.lines
        ],
        new_total=priced.total,
        due=priced.total - credit,
    )


@dataclass(frozen=True)
class ReturnReceipt:
    record: Return
    refunds: list[Refund]  # money or points given back (not an exchange's own credit)
    credit_note_code: str
    exchange_order: Order | None
    exchange_credit: Decimal
    exchange_paid: Decimal


def return_receipt(*, store: Store, number: str) -> ReturnReceipt | None:
    """Return what the printed return receipt shows, for a return taken at ``store``."""
    record = (
        Return.objects.filter(store=store, number=number)
        .select_related("order", "store", "created_by", "exchange_order")
        .prefetch_related("lines__order_line")
        .first()
    )
    if record is None:
        return None
    credit_key = f"exchange:{record.number}:credit:credit_note"
    refunds = [
        r
        for r in record.refunds.select_related("tender").order_by("pk")
        if r.source_key != credit_key
    ]
    code = ""
    if record.refund_to == Return.RefundTo.CREDIT_NOTE:
        note = next((r for r in refunds if r.tender_id is None and r.stored_value_account_id), None)
        if note is not None:
            code = stored_value_account_get(pk=note.stored_value_account_id).code
    new_order = record.exchange_order
    credit = paid = Decimal(0)
    if new_order is not None:
        new_order = Order.objects.prefetch_related("lines", "tenders").get(pk=new_order.pk)
        for tender in new_order.tenders.all():
            if tender.kind == Tender.Kind.CREDIT_NOTE:
                credit += tender.amount
            else:
                paid += tender.amount
    return ReturnReceipt(record, refunds, code, new_order, credit, paid)

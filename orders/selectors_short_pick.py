"""What the clerk sees before a short-pick is confirmed: a substitute's price, a refund's tenders.

``substitute_quote`` prices the substitute under the shop's rule
(``ORDERS_SUBSTITUTE_PRICE_RULE``); ``refund_preview`` shows which tenders a
remove-and-refund gives back to, with the split the refund itself makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from orders import conf
from orders.models import Order, OrderLine
from orders.services.tenders import refund_plan
from pricing.errors import InactiveProductError
from pricing.selectors import prices_lookup
from retail.errors import UnknownProductError
from retail.models import Product
from retail.money import quantize

ZERO = Decimal(0)
Rule = OrderLine.SubstituteRule


@dataclass(frozen=True)
class SubstituteQuote:
    """What substituting ``line`` by a product costs, shown to the clerk before confirming."""

    currency: str
    ordered_total: Decimal  # what the line still pays
    substitute_total: Decimal | None  # the substitute's own price for the quantity
    difference: Decimal  # substitute minus ordered
    rule: str
    rule_display: str
    refund: Decimal  # given back to the customer under the rule
    paid: Decimal  # what the customer pays for the substitute

    @property
    def dearer(self) -> bool:
        return self.difference > 0

    @property
    def cheaper(self) -> bool:
        return self.difference < 0


def substitute_quote(
    *, order: Order, line: OrderLine, product: Product, at: datetime, rule: str | None = None
) -> SubstituteQuote:
    """Price ``product`` for ``line``'s quantity in the order's channel and store at ``at``.

    The shop's rule (``orders.conf.substitute_price_rule``, or ``rule``)
    decides: the customer never pays more than ordered; with
    ``refund_cheaper`` a cheaper substitute refunds the difference.  A
    product without a price there is taken at the ordered price.
    """
    currency = order.currency
    rule = rule or conf.substitute_price_rule()
    ordered = line.total_amount - line.refunded_amount
    try:
        prices = prices_lookup(
            skus=[product.sku],
            channel=order.channel,
            store=order.fulfil_location,
            customer=order.customer,
            at=at,
        )
    except (InactiveProductError, UnknownProductError):
        prices = []  # not for sale here any more: no price to compare with
    shelf = quantize(prices[0].price * line.quantity, currency) if prices else None
    difference = ZERO if shelf is None else shelf - ordered
    refund = -difference if (rule == Rule.REFUND_CHEAPER and difference < 0) else ZERO
    return SubstituteQuote(
        currency=currency,
        ordered_total=ordered,
        substitute_total=shelf,
        difference=difference,
        rule=rule,
        rule_display=str(Rule(rule).label),
        refund=refund,
        paid=ordered - refund,
    )


@dataclass(frozen=True)
class TenderShare:
    kind: str
    kind_display: str
    code_last4: str
    amount: Decimal


def refund_preview(*, order: Order, amount: Decimal) -> tuple[TenderShare, ...]:
    """Which tenders ``amount`` would go back to, in the refund order (what the clerk confirms).

    The split ``tenders_refund`` makes (``refund_plan``): the external payment
    first, then gift cards, credit notes, vouchers, points last; a released
    hold has nothing left.  Reads ``order.tenders.all()``.
    """
    return tuple(
        TenderShare(
            kind=tender.kind,
            kind_display=tender.get_kind_display(),
            code_last4=tender.code_last4,
            amount=take,
        )
        for tender, take in refund_plan(list(order.tenders.all()), amount)
    )


__all__ = ["SubstituteQuote", "TenderShare", "refund_preview", "substitute_quote"]

"""An exchange's new sale: priced, paid by the returned value first, then by the given tenders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext

from inventory.services import stock_levels_lock
from loyalty.selectors import stored_value_account_get
from loyalty.services.stored_value import stored_value_redeem
from orders.errors import ReturnNotAllowedError, TenderMismatchError
from orders.models import Order, OrderLine, Return, Tender
from orders.services.order_lines import order_line_from_priced, products_with_gtin
from orders.services.receipts import receipt_order_create
from orders.services.tenders import TenderRequest, tender_plan, tenders_refund, tenders_take
from pricing.engine.types import PricedBasket
from pricing.selectors import basket_price
from retail.errors import DomainError
from retail.models import Channel, Product, Store


@dataclass(frozen=True)
class Settled:
    new_order: Order
    paid: Decimal  # what the tenders paid on top of the returned value
    refund: Decimal  # what went back to the original tenders


def exchange_price(
    *,
    order: Order,
    new_lines: Sequence[tuple[str, int]],
    channel: Channel,
    store: Store,
    at: datetime,
) -> tuple[PricedBasket, dict[int, Product]]:
    """Price what the customer takes instead, for them at ``store`` now (``new_lines.<i>``)."""
    if not new_lines:
        raise ReturnNotAllowedError(
            gettext("Name what the customer takes instead."), field="new_lines"
        )
    try:
        priced = basket_price(
            lines=list(new_lines),
            channel=channel,
            store=store,
            customer=order.customer,
            at=at,
            language=order.language,
        )
    except DomainError as exc:
        if exc.field and exc.field.startswith("lines."):
            exc.field = f"new_{exc.field}"
        raise
    if priced.currency != order.currency:
        raise ReturnNotAllowedError(
            gettext("The new sale is priced in another currency."),
            field="new_lines",
            extra={"currency": priced.currency},
        )
    return priced, products_with_gtin(line.product_id for line in priced.lines)


def stock_rows_lock(*, store: Store, product_ids: Sequence[int]) -> None:
    """Lock the store's stock rows of every product the exchange moves, in the lock order.

    The return puts units back and the new sale takes others from the same
    store; taking all the rows first keeps two crossing exchanges (X for Y,
    Y for X) from deadlocking.  Call inside a transaction.
    """
    stock_levels_lock(location=store, product_ids=product_ids)


def exchange_settle(
    *,
    order: Order,
    record: Return,
    priced: PricedBasket,
    products: dict[int, Product],
    value: Decimal,
    channel: Channel,
    store: Store,
    tenders: Sequence[TenderRequest],
    actor,
    at: datetime,
) -> Settled:
    """Record the new sale, pay it with ``value`` and ``tenders``, refund what is left over.

    Call inside the exchange's transaction, after the return is written.
    """
    currency = order.currency
    credit = min(value, priced.total)
    due = priced.total - credit
    rest = value - credit
    prefix = f"exchange:{record.number}"
    rows = []
    if credit > 0:
        rows.append(_credit_tender(order, record, credit, key=f"{prefix}:credit", at=at))
    rows += _tenders_take(
        tenders, due=due, order=order, channel=channel, key=f"{prefix}:tender", at=at
    )
    if rest > 0:
        # Before the new sale earns points: the refund's stored value and points come first
        # in the lock order (retail.locking), the membership last.
        tenders_refund(
            order=order,
            amount=rest,
            reason="exchange",
            source_key=f"{prefix}:refund",
            return_record=record,
            at=at,
        )
    lines = []
    for i, line in enumerate(priced.lines, 1):
        row = order_line_from_priced(None, i, line, products[line.product_id])
        row.status = OrderLine.Status.PICKED
        lines.append(row)
    new_order = receipt_order_create(
        channel=channel,
        store=store,
        receipt_id=prefix,
        customer=order.customer,
        lines=lines,
        tenders=rows,
        currency=currency,
        sold_at=at,
        at=at,
        actor=actor,
        event="exchange_sale",
    )
    record.exchange_order = new_order
    record.refund_amount = rest
    record.save(update_fields=["exchange_order", "refund_amount"])
    return Settled(new_order=new_order, paid=due, refund=rest)


def _credit_tender(order: Order, record: Return, credit: Decimal, *, key: str, at) -> Tender:
    """Issue a credit note for the returned value and redeem it for the new sale at once."""
    (note,) = tenders_refund(
        order=order,
        amount=credit,
        reason="exchange",
        source_key=key,
        return_record=record,
        to_credit_note=True,
        at=at,
    )
    account = stored_value_account_get(pk=note.stored_value_account_id)
    redeem_key = f"{key}:redeem"
    stored_value_redeem(
        code=account.code,
        amount=credit,
        currency=order.currency,
        source_key=redeem_key,
        channel=account.channel,
        at=at,
    )
    return Tender(
        kind=Tender.Kind.CREDIT_NOTE,
        status=Tender.Status.CAPTURED,
        amount=credit,
        redemption_key=redeem_key,
        stored_value_account_id=account.pk,
        code_last4=account.code[-4:],
    )


def _tenders_take(
    tenders: Sequence[TenderRequest],
    *,
    due: Decimal,
    order: Order,
    channel: Channel,
    key: str,
    at: datetime,
) -> list[Tender]:
    """Take ``due`` from the given tenders at once (the customer is at the counter)."""
    if due <= 0:
        # "The card pays the rest" with nothing left to pay takes nothing; an amount is an error.
        if any(t.kind != Tender.Kind.EXTERNAL or t.amount is not None for t in tenders):
            raise TenderMismatchError(gettext("Nothing is left to pay."), field="tenders")
        return []
    return tenders_take(
        tender_plan(tenders, total=due, currency=order.currency),
        customer_id=order.customer_id,
        currency=order.currency,
        channel=channel,
        key_prefix=key,
        reference=key,
        order_amount=due,
        hold_ttl=None,
        at=at,
    )

"""Placing an order: price, count coupon uses, reserve stock, take tenders, record; one transaction.

The rows are taken in ``retail.locking``'s global order, the same for every
checkout whatever order the customer listed things in: coupon codes by pk
(``coupons_redeem``), stock rows by (location, product) (``stock_reserve``),
stored-value accounts by pk, then the membership for points
(``tenders_take``).  So concurrent checkouts queue instead of deadlocking.
Any error rolls the whole transaction back: no reservation, no hold, no
coupon use and no order remain.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext

from inventory.selectors import channel_warehouse
from orders.errors import CustomerRequiredError, InvalidFulfilmentError, PriceChangedError
from orders.models import Order, OrderLine, Tender
from orders.services.history import order_event
from orders.services.holds import hold_ttl
from orders.services.notify import notification_queue
from orders.services.numbers import order_number_new, pickup_code_new
from orders.services.order_lines import order_line_from_priced, products_with_gtin
from orders.services.stock import reserve
from orders.services.tenders import TenderRequest, tender_plan, tenders_take
from orders.services.vat import vat_json
from pricing.engine.types import PricedBasket
from pricing.selectors import basket_price
from pricing.services.coupons import coupons_redeem
from pricing.services.revision import rules_revision_current, rules_version
from retail import locking, metrics
from retail.models import Channel, Customer, Product, Store
from retail.money import quantize

Fulfilment = Order.Fulfilment


@metrics.timed(metrics.order_place_seconds)
def order_place(
    *,
    channel: Channel,
    customer: Customer | None,
    lines: Sequence[tuple[str, int]],
    fulfilment: str,
    tenders: Sequence[TenderRequest],
    collect_store: Store | None = None,
    source_store: Store | None = None,
    shipping_address: dict | None = None,
    coupon_codes: Sequence[str] = (),
    expected_total: Decimal | None = None,
    notify_email: bool = True,
    notify_sms: bool = False,
    language: str | None = None,
    promised_at: datetime | None = None,
    actor=None,
    at: datetime | None = None,
) -> Order:
    """Place an order for (SKU or GTIN, quantity) ``lines``; all of it or nothing.

    Prices the basket with the channel's prices for this customer at ``at``
    (no store price lists: the price the webshop or app showed).  When
    ``expected_total`` differs from the priced total raises
    ``PriceChangedError`` with the new basket in ``extra["basket"]``, so the
    customer never pays a price they did not see.  Then, in one transaction:
    counts the coupon uses, reserves every line at the fulfilling location
    (``InsufficientStockError`` names the short lines), holds stored value,
    burns points, records the order with each line's discounts frozen,
    and queues the confirmation.  Raises ``CustomerRequiredError``,
    ``InvalidFulfilmentError``, ``TenderMismatchError``, pricing's product and
    coupon errors, inventory's stock errors and loyalty's stored-value errors
    (wrong PIN, insufficient balance, ...); any of them leaves nothing behind.
    """
    at = at or timezone.now()
    if customer is None:
        raise CustomerRequiredError(field="customer")
    location, collect = fulfil_locations(
        channel=channel,
        fulfilment=fulfilment,
        collect_store=collect_store,
        source_store=source_store,
        shipping_address=shipping_address,
    )
    language = language or customer.language
    priced = basket_price(
        lines=lines,
        channel=channel,
        customer=customer,
        coupon_codes=coupon_codes,
        at=at,
        language=language,
    )
    _expected_total_check(priced, expected_total)
    plan = tender_plan(tenders, total=priced.total, currency=priced.currency)
    products = products_with_gtin(line.product_id for line in priced.lines)
    ttl = hold_ttl(location=location, collect=collect)
    with locking.atomic():
        order = _order_create(
            priced,
            channel=channel,
            customer=customer,
            fulfilment=fulfilment,
            location=location,
            collect=collect,
            shipping_address=shipping_address,
            language=language,
            notify_email=notify_email,
            notify_sms=notify_sms,
            promised_at=promised_at,
            actor=actor,
            at=at,
        )
        _lines_record(order, priced, products)
        _coupons_count(order, at=at)
        reserve(order, location, _quantities(priced, products), ttl=ttl, actor=actor, at=at)
        _tenders_record(order, plan, ttl=ttl, at=at)
        order_event(order, "placed", at=at, actor=actor, data={"total": str(order.total_amount)})
        notification_queue(order=order, kind="order_confirmed", at=at)
    metrics.on_commit_inc(metrics.orders_placed.labels(fulfilment=order.fulfilment))
    return order


def _expected_total_check(priced: PricedBasket, expected_total: Decimal | None) -> None:
    """Refuse a total the customer did not see (``PriceChangedError`` with the new basket)."""
    if expected_total is not None and quantize(expected_total, priced.currency) != priced.total:
        raise PriceChangedError(
            field="expected_total",
            extra={
                "expected_total": str(expected_total),
                "total": str(priced.total),
                "basket": priced_basket_data(priced),
            },
        )


def _order_create(
    priced: PricedBasket,
    *,
    channel: Channel,
    customer: Customer,
    fulfilment: str,
    location: Store,
    collect: Store | None,
    shipping_address: dict | None,
    language: str | None,
    notify_email: bool,
    notify_sms: bool,
    promised_at: datetime | None,
    actor,
    at: datetime,
) -> Order:
    """Insert the order row with the priced totals, VAT and the coupons that applied."""
    return Order.objects.create(
        number=order_number_new(),
        channel=channel,
        customer=customer,
        fulfilment=fulfilment,
        fulfil_location=location,
        collect_store=collect,
        pickup_code=pickup_code_new() if collect else "",
        shipping_address=shipping_address or {},
        currency=priced.currency,
        subtotal_amount=priced.subtotal,
        discount_amount=priced.discount_total,
        total_amount=priced.total,
        vat=vat_json(priced.vat),
        coupon_codes=[c.code for c in priced.coupons if c.applied],
        rules_version=rules_version(channel=channel, revision=rules_revision_current()),
        language=language or "en",
        notify_email=notify_email,
        notify_sms=notify_sms,
        placed_at=at,
        promised_at=promised_at,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _lines_record(order: Order, priced: PricedBasket, products: dict[int, Product]) -> None:
    """Save the order's lines with the priced prices, VAT and discounts frozen."""
    OrderLine.objects.bulk_create(
        order_line_from_priced(order, i, line, products[line.product_id])
        for i, line in enumerate(priced.lines, 1)
    )


def _coupons_count(order: Order, *, at: datetime) -> None:
    """Count one use of each coupon that applied (coupon-pk order: ``coupons_redeem``)."""
    coupons_redeem(
        codes=order.coupon_codes,
        customer=order.customer,
        channel=order.channel,
        source_key_prefix=f"order:{order.number}",
        at=at,
    )


def _quantities(priced: PricedBasket, products: dict[int, Product]) -> list[tuple[Product, int]]:
    return [(products[line.product_id], line.quantity) for line in priced.lines]


def _tenders_record(order: Order, plan, *, ttl, at: datetime) -> list[Tender]:
    """Hold the stored value, burn the points, note the card payment; save the tender rows."""
    rows = tenders_take(
        plan,
        customer_id=order.customer_id,
        currency=order.currency,
        channel=order.channel,
        key_prefix=f"order:{order.number}:tender",
        reference=order.number,
        order_amount=order.total_amount,
        hold_ttl=ttl,
        at=at,
    )
    for row in rows:
        row.order = order
    return Tender.objects.bulk_create(rows)


def fulfil_locations(
    *,
    channel: Channel,
    fulfilment: str,
    collect_store: Store | None,
    source_store: Store | None,
    shipping_address: dict | None,
) -> tuple[Store, Store | None]:
    """Return (where stock is reserved and picked, where the customer collects).

    Raises ``InvalidFulfilmentError`` naming the field that does not fit:
    a store that does not offer click-and-collect or shipping, a missing
    address, no warehouse for the channel.
    """
    field = "fulfilment"
    if fulfilment in (Fulfilment.CLICK_COLLECT, Fulfilment.COLLECT_OTHER):
        if collect_store is None or not collect_store.is_active:
            raise InvalidFulfilmentError(
                gettext("Name the store to collect from."), field="collect_store"
            )
        if not collect_store.click_and_collect:
            raise InvalidFulfilmentError(
                gettext("This store does not offer click-and-collect."), field="collect_store"
            )
        if fulfilment == Fulfilment.CLICK_COLLECT:
            return collect_store, collect_store
        if source_store is None or not source_store.is_active or source_store == collect_store:
            raise InvalidFulfilmentError(
                gettext("Name another store or warehouse to source from."), field="source_store"
            )
        return source_store, collect_store
    if fulfilment in (Fulfilment.SHIP_FROM_STORE, Fulfilment.HOME_DELIVERY):
        if not shipping_address:
            raise InvalidFulfilmentError(
                gettext("A delivery address is needed."), field="shipping_address"
            )
        if fulfilment == Fulfilment.SHIP_FROM_STORE:
            if source_store is None or not source_store.ship_from_store:
                raise InvalidFulfilmentError(
                    gettext("This store does not ship orders."), field="source_store"
                )
            return source_store, None
        warehouse = source_store or channel_warehouse(channels=[channel])
        if warehouse is None or warehouse.kind != Store.Kind.WAREHOUSE:
            raise InvalidFulfilmentError(
                gettext("No warehouse delivers for this channel."), field=field
            )
        return warehouse, None
    raise InvalidFulfilmentError(field=field)


def priced_basket_data(priced: PricedBasket) -> dict:
    """The priced basket as plain JSON data (decimals as strings), for errors and snapshots."""

    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, frozenset | set):
            return sorted(plain(v) for v in value)
        return value

    return plain(dataclasses.asdict(priced))

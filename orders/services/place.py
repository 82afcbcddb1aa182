"""Placing an order: price, redeem coupons, reserve stock, take tenders, record; one transaction.

Lock order (the same for every order, so concurrent checkouts never
deadlock): coupon codes, then stock rows in product-pk order (inside
``stock_reserve``), then stored-value accounts in tender order, then the
membership for points.  Any error rolls the whole transaction back: no
reservation, no hold, no coupon use and no order remain.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from inventory.models import ChannelLocation, Reservation
from inventory.services import stock_reserve
from loyalty.models import Membership
from loyalty.services.points import points_burn, points_for_amount, points_value
from loyalty.services.stored_value import stored_value_hold
from orders.errors import (
    CustomerRequiredError,
    InvalidFulfilmentError,
    PriceChangedError,
    TenderMismatchError,
)
from orders.models import Order, OrderLine, Tender
from orders.services.common import order_event, order_number_new, pickup_code_new
from orders.services.notify import notification_queue
from pricing.engine.types import PricedBasket
from pricing.selectors import basket_price
from pricing.services.coupons import coupon_redeem
from pricing.services.revision import rules_revision_current, rules_version
from retail.models import Channel, Customer, Product, ProductGtin, Store
from retail.money import quantize

Fulfilment = Order.Fulfilment

# Reservations and holds of an order outlive its pickup window by this margin;
# the order's own expiry (orders_expire) releases them first.
HOLD_MARGIN = timedelta(days=3)
SHIP_HOLD_DAYS = 7


@dataclass(frozen=True)
class TenderRequest:
    """One way the customer pays: stored value by code, points, or an external payment."""

    kind: str
    amount: Decimal | None = None  # None on the external tender: "the rest"
    code: str = ""
    pin: str | None = None
    points: int | None = None
    external_reference: str = ""
    provider: str = ""


def _locations(
    *,
    channel: Channel,
    fulfilment: str,
    collect_store: Store | None,
    source_store: Store | None,
    shipping_address: dict | None,
) -> tuple[Store, Store | None]:
    """Return (where stock is reserved and picked, where the customer collects)."""
    field = "fulfilment"
    if fulfilment in (Fulfilment.CLICK_COLLECT, Fulfilment.COLLECT_OTHER):
        if collect_store is None or not collect_store.is_active:
            raise InvalidFulfilmentError("Name the store to collect from.", field="collect_store")
        if not collect_store.click_and_collect:
            raise InvalidFulfilmentError(
                "This store does not offer click-and-collect.", field="collect_store"
            )
        if fulfilment == Fulfilment.CLICK_COLLECT:
            return collect_store, collect_store
        if source_store is None or not source_store.is_active or source_store == collect_store:
            raise InvalidFulfilmentError(
                "Name another store or warehouse to source from.", field="source_store"
            )
        return source_store, collect_store
    if fulfilment in (Fulfilment.SHIP_FROM_STORE, Fulfilment.HOME_DELIVERY):
        if not shipping_address:
            raise InvalidFulfilmentError("A delivery address is needed.", field="shipping_address")
        if fulfilment == Fulfilment.SHIP_FROM_STORE:
            if source_store is None or not source_store.ship_from_store:
                raise InvalidFulfilmentError(
                    "This store does not ship orders.", field="source_store"
                )
            return source_store, None
        warehouse = source_store or _channel_warehouse(channel)
        if warehouse is None or warehouse.kind != Store.Kind.WAREHOUSE:
            raise InvalidFulfilmentError("No warehouse delivers for this channel.", field=field)
        return warehouse, None
    raise InvalidFulfilmentError(field=field)


def _channel_warehouse(channel: Channel) -> Store | None:
    link = (
        ChannelLocation.objects.filter(
            channel=channel, location__kind=Store.Kind.WAREHOUSE, location__is_active=True
        )
        .select_related("location")
        .order_by("location__code")
        .first()
    )
    return link.location if link else None


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


def tender_plan(
    tenders: Sequence[TenderRequest], *, total: Decimal, currency: str
) -> list[tuple[TenderRequest, Decimal]]:
    """Check the tenders cover exactly ``total``; return (tender, amount) in apply order."""
    if not tenders:
        raise TenderMismatchError("Say how the order is paid.", field="tenders")
    order_of = {kind: i for i, kind in enumerate(Tender.APPLY_ORDER)}
    plan: list[tuple[TenderRequest, Decimal]] = []
    rest: TenderRequest | None = None
    for i, tender in enumerate(tenders):
        if tender.kind not in order_of:
            raise TenderMismatchError("Unknown tender.", field=f"tenders.{i}.kind")
        if tender.kind == Tender.Kind.POINTS:
            if tender.points is None and tender.amount is None:
                raise TenderMismatchError("Give points or an amount.", field=f"tenders.{i}")
            amount = (
                points_value(tender.points, currency)
                if tender.points is not None
                else quantize(tender.amount, currency)
            )
        elif tender.amount is None:
            if tender.kind != Tender.Kind.EXTERNAL or rest is not None:
                raise TenderMismatchError("Give the amount.", field=f"tenders.{i}.amount")
            rest = tender
            continue
        else:
            amount = quantize(tender.amount, currency)
        if amount <= 0:
            raise TenderMismatchError("Amounts must be positive.", field=f"tenders.{i}.amount")
        if tender.kind != Tender.Kind.EXTERNAL and not tender.code and tender.kind != "points":
            raise TenderMismatchError("Give the card or voucher code.", field=f"tenders.{i}.code")
        plan.append((tender, amount))
    covered = sum((amount for _, amount in plan), Decimal(0))
    if rest is not None and covered < total:
        plan.append((rest, total - covered))
        covered = total
    if covered != total:
        raise TenderMismatchError(
            extra={"total": str(total), "tendered": str(covered)}, field="tenders"
        )
    plan.sort(key=lambda pair: order_of[pair[0].kind])
    return plan


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
    location, collect = _locations(
        channel=channel,
        fulfilment=fulfilment,
        collect_store=collect_store,
        source_store=source_store,
        shipping_address=shipping_address,
    )
    priced = basket_price(
        lines=lines,
        channel=channel,
        customer=customer,
        coupon_codes=coupon_codes,
        at=at,
        language=language or customer.language,
    )
    if expected_total is not None and quantize(expected_total, priced.currency) != priced.total:
        raise PriceChangedError(
            field="expected_total",
            extra={
                "expected_total": str(expected_total),
                "total": str(priced.total),
                "basket": priced_basket_data(priced),
            },
        )
    plan = tender_plan(tenders, total=priced.total, currency=priced.currency)
    products = Product.objects.prefetch_related(
        Prefetch("gtins", queryset=ProductGtin.objects.filter(is_primary=True), to_attr="primary")
    ).in_bulk([line.product_id for line in priced.lines])
    window = timedelta(days=(collect.pickup_days if collect else SHIP_HOLD_DAYS))
    hold_ttl = window + HOLD_MARGIN + (timedelta(days=3) if location != collect else timedelta())

    with transaction.atomic():
        order = Order.objects.create(
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
            vat=[
                {"rate": str(v.rate), "gross": str(v.gross), "net": str(v.net), "vat": str(v.vat)}
                for v in priced.vat
            ],
            coupon_codes=[c.code for c in priced.coupons if c.applied],
            rules_version=rules_version(channel=channel, revision=rules_revision_current()),
            language=language or customer.language or "en",
            notify_email=notify_email,
            notify_sms=notify_sms,
            placed_at=at,
            promised_at=promised_at,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        OrderLine.objects.bulk_create(
            [
                order_line_from_priced(order, i, line, products[line.product_id])
                for i, line in enumerate(priced.lines, 1)
            ]
        )
        for coupon in order.coupon_codes:
            coupon_redeem(
                code=coupon,
                customer=customer,
                channel=channel,
                source_key=f"order:{order.number}:{coupon}",
                at=at,
            )
        stock_reserve(
            location=location,
            lines=[(products[line.product_id], line.quantity) for line in priced.lines],
            reference_kind=Reservation.ReferenceKind.ORDER,
            reference=order.reservation_reference,
            channel=channel,
            customer=customer,
            actor=actor,
            ttl=hold_ttl,
            at=at,
        )
        Tender.objects.bulk_create(
            [
                _take_tender(order, i, tender, amount, ttl=hold_ttl, at=at)
                for i, (tender, amount) in enumerate(plan, 1)
            ]
        )
        order_event(order, "placed", at=at, actor=actor, data={"total": str(order.total_amount)})
        notification_queue(order=order, kind="order_confirmed", at=at)
    return order


def order_line_from_priced(order: Order, line_no: int, line, product: Product) -> OrderLine:
    discount = line.base_total - line.total
    return OrderLine(
        order=order,
        line_no=line_no,
        product=product,
        sku=line.sku,
        name=product.name,
        gtin=_primary_gtin(product),
        quantity=line.quantity,
        unit_price_amount=line.unit_price,
        base_total_amount=line.base_total,
        discount_amount=discount,
        total_amount=line.total,
        vat_rate=line.vat_rate,
        vat_amount=line.vat_amount,
        price_list_code=line.price_list_code,
        discounts=[
            {
                "campaign": d.campaign_code,
                "name": d.campaign_name,
                "kind": d.kind,
                "text": d.text,
                "amount": str(d.amount),
                "coupon": d.coupon_code,
            }
            for d in line.discounts
        ],
    )


def _primary_gtin(product: Product) -> str:
    primary = getattr(product, "primary", None)
    return primary[0].gtin if primary else ""


def _take_tender(
    order: Order, index: int, tender: TenderRequest, amount: Decimal, *, ttl, at
) -> Tender:
    """Hold stored value, burn points or record the external payment; return the unsaved row."""
    key = f"order:{order.number}:tender:{index}"
    row = Tender(order=order, kind=tender.kind, amount=amount)
    if tender.kind == Tender.Kind.EXTERNAL:
        row.status = Tender.Status.CAPTURED
        row.external_reference = tender.external_reference
        row.external_provider = tender.provider
    elif tender.kind == Tender.Kind.POINTS:
        membership = Membership.objects.filter(customer=order.customer).first()
        if membership is None:
            raise TenderMismatchError("Only club members pay with points.", field="tenders")
        points = tender.points or points_for_amount(amount, order.currency)
        points_burn(
            membership=membership,
            points=points,
            source_key=key,
            currency=order.currency,
            reference=order.number,
            channel=order.channel,
            at=at,
        )
        row.status = Tender.Status.CAPTURED
        row.points = points
        row.points_burn_key = key
    else:
        hold = stored_value_hold(
            code=tender.code,
            amount=amount,
            currency=order.currency,
            source_key=key,
            ttl=ttl,
            pin=tender.pin,
            channel=order.channel,
            order_amount=order.total_amount,
            at=at,
        )
        row.status = Tender.Status.HELD
        row.kind = hold.account.kind  # what the code really is, whatever the client called it
        row.hold_key = key
        row.stored_value_account_id = hold.account_id
        row.code_last4 = tender.code[-4:]
    return row

"""One-line builders for the engine's inputs, so engine tests read as a specification.

Money is given as strings ("33.33") and becomes ``Decimal``; every builder has
defaults for what a test does not care about (time, scope, VAT).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pricing.engine import price_basket
from pricing.engine.types import (
    BasketLine,
    CampaignRule,
    PricedBasket,
    PriceRule,
    PricingContext,
    ProductInfo,
    References,
    Rules,
    Target,
)

AT = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
EARLIER = AT - timedelta(days=30)
LATER = AT + timedelta(days=30)


def D(value: str | int | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def product(
    product_id: int,
    *,
    categories: Iterable[int] = (),
    brand: int | None = None,
    sets: Iterable[int] = (),
    vat: str = "25",
    name: str | None = None,
) -> ProductInfo:
    return ProductInfo(
        product_id=product_id,
        sku=f"SKU{product_id}",
        name=name or f"Product {product_id}",
        category_ids=frozenset(categories),
        brand_id=brand,
        set_ids=frozenset(sets),
        vat_rate=Decimal(vat),
    )


def price(
    product_id: int,
    amount: str,
    *,
    code: str = "PUBLIC",
    priority: int = 0,
    valid_from: datetime = EARLIER,
    valid_to: datetime | None = None,
    channels: Iterable[int] = (),
    stores: Iterable[int] = (),
    groups: Iterable[str] = (),
) -> PriceRule:
    return PriceRule(
        price_list_code=code,
        priority=priority,
        product_id=product_id,
        amount=Decimal(amount),
        valid_from=valid_from,
        valid_to=valid_to,
        channel_ids=frozenset(channels),
        store_ids=frozenset(stores),
        group_codes=frozenset(groups),
    )


def target(
    products: Iterable[int] = (),
    *,
    categories: Iterable[int] = (),
    brands: Iterable[int] = (),
    sets: Iterable[int] = (),
    exclude: Iterable[int] = (),
    everything: bool = False,
    quantity: int = 1,
) -> Target:
    return Target(
        product_ids=frozenset(products),
        category_ids=frozenset(categories),
        brand_ids=frozenset(brands),
        set_ids=frozenset(sets),
        exclude_product_ids=frozenset(exclude),
        quantity=quantity,
        everything=everything,
    )


_ids = iter(range(1, 10**9))


def campaign(
    code: str,
    kind: str,
    on: Target | Iterable[int] = (),
    *,
    stacking: str = "best_price",
    priority: int = 0,
    campaign_id: int | None = None,
    valid_from: datetime = EARLIER,
    valid_to: datetime | None = None,
    currency: str | None = None,
    channels: Iterable[int] = (),
    stores: Iterable[int] = (),
    groups: Iterable[str] = (),
    coupon: bool = False,
    max_applications: int | None = None,
    percent: str | None = None,
    amount: str | None = None,
    price: str | None = None,
    buy: int | None = None,
    pay: int | None = None,
    benefit: str = "",
    threshold: str | None = None,
    gift: int | None = None,
    gift_quantity: int = 1,
    components: Iterable[Target] = (),
    text: str | None = None,
    repeats: bool = False,
) -> CampaignRule:
    """A campaign on ``on`` (a ``Target`` or product ids); ``coupon=True`` requires one."""
    return CampaignRule(
        campaign_id=campaign_id if campaign_id is not None else next(_ids),
        code=code,
        name=f"Campaign {code}",
        kind=kind,
        stacking=stacking,
        priority=priority,
        valid_from=valid_from,
        valid_to=valid_to,
        target=on if isinstance(on, Target) else target(on),
        receipt_text=(("en", text),) if text else (),
        currency=currency,
        channel_ids=frozenset(channels),
        store_ids=frozenset(stores),
        group_codes=frozenset(groups),
        requires_coupon=coupon,
        max_applications=max_applications,
        percent=D(percent),
        amount=D(amount),
        price=D(price),
        buy_quantity=buy,
        pay_quantity=pay,
        mix_benefit=benefit,
        threshold_amount=D(threshold),
        gift_product_id=gift,
        gift_quantity=gift_quantity,
        components=tuple(components),
        repeats=repeats,
    )


def context(**overrides) -> PricingContext:
    values = {"at": AT, "currency": "DKK"} | overrides
    for name in ("group_codes", "unlocked_campaign_ids"):
        if name in values:
            values[name] = frozenset(values[name])
    return PricingContext(**values)


def rules(
    prices: Mapping[int, str],
    campaigns: Iterable[CampaignRule] = (),
    *,
    products: Iterable[ProductInfo] = (),
    extra_prices: Iterable[PriceRule] = (),
    references: References | None = None,
) -> Rules:
    """Rules for products priced ``{product_id: "amount"}`` on one public list.

    ``products`` overrides the default ``product(id)`` of some ids (categories, VAT).
    """
    known = {p.product_id: p for p in products}
    return Rules(
        products={pid: known.get(pid) or product(pid) for pid in {*prices, *known}},
        prices=tuple(price(pid, amount) for pid, amount in prices.items()) + tuple(extra_prices),
        campaigns=tuple(campaigns),
        references=references or References(),
    )


def lines(*items: tuple[int, int]) -> tuple[BasketLine, ...]:
    """Basket lines from (product_id, quantity) pairs; line ids are "1", "2", ..."""
    return tuple(
        BasketLine(line_id=str(i), product_id=pid, quantity=qty)
        for i, (pid, qty) in enumerate(items, start=1)
    )


def priced(
    items: Iterable[tuple[int, int]],
    prices: Mapping[int, str],
    campaigns: Iterable[CampaignRule] = (),
    *,
    products: Iterable[ProductInfo] = (),
    references: References | None = None,
    **context_overrides,
) -> PricedBasket:
    """Price a basket of (product_id, quantity) in one call (see ``rules`` for ``products``)."""
    return price_basket(
        lines=lines(*items),
        context=context(**context_overrides),
        rules=rules(prices, campaigns, products=products, references=references),
    )


def totals(basket: PricedBasket) -> list[str]:
    """The line totals as strings, for compact expectations."""
    return [str(line.total) for line in basket.lines]


def discounts(basket: PricedBasket) -> dict[str, str]:
    """Discount per campaign code over the whole basket, as strings."""
    out: dict[str, Decimal] = {}
    for line in basket.lines:
        for d in line.discounts:
            out[d.campaign_code] = out.get(d.campaign_code, Decimal(0)) + d.amount
    return {code: str(amount) for code, amount in out.items()}

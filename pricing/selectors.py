"""Pricing's reads for the API, the admin's price simulator and (later) orders.

Each is fetch, then compute: a constant number of queries through
``pricing.loader``, then the pure engine (``pricing.engine.engine``).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from pricing import quote_cache
from pricing.engine.engine import best_base_price, price_basket
from pricing.engine.types import (
    BasketLine,
    CampaignRule,
    PricedBasket,
    PriceRule,
    ProductInfo,
    Rules,
)
from pricing.errors import InactiveProductError, InvalidQuantityError
from pricing.loader import (
    ProductRow,
    context_build,
    product_rows_by_codes,
    rules_load_for_rows,
)
from pricing.models import Campaign
from pricing.services.omnibus import OMNIBUS_HORIZON, OmnibusPrice, omnibus_prices
from retail.errors import InvalidGtinError, TooManySkusError, UnknownProductError
from retail.gtin import gtin14
from retail.models import Channel, Customer, Store

MAX_QUANTITY = 9999
MAX_LOOKUP_SKUS = 500
TOO_MANY_SKUS = f"Ask for at most {MAX_LOOKUP_SKUS} SKUs in one call."


@dataclass(frozen=True, slots=True)
class ProductPrice:
    """What one unit costs now for this customer, beside its ordinary and 30-day lowest price.

    ``price`` includes the campaigns that apply to a single unit;
    ``ordinary_price`` is the base price without campaigns (a member or
    contract price for a customer in that group); ``prior_price`` is the EU
    Omnibus prior price of the public reduction in force (the lowest public
    price applied in the 30 days before it began, ``pricing.engine.prior``),
    None when no reduction is in force; ``lowest_price_30d`` is the rolling
    lowest public list price of the last 30 days, now included, None when the
    product had no public price in that time (kept for existing clients).
    """

    sku: str
    currency: str
    price: Decimal
    ordinary_price: Decimal
    price_list_code: str
    lowest_price_30d: Decimal | None
    campaign_codes: tuple[str, ...]
    prior_price: Decimal | None = None


def _gtin_key(code: str) -> str | None:
    if not code.isdigit():
        return None
    try:
        return gtin14(code)
    except InvalidGtinError:
        return None


def basket_lines_resolve(*, lines: Sequence[tuple[str, int]]) -> tuple[BasketLine, ...]:
    """Turn (SKU or GTIN as typed or scanned, quantity) pairs into engine lines; one query.

    A multipack GTIN counts its pack quantity.  Line ids are the positions
    ("0", "1", ...).  Raises, naming the line: ``InvalidQuantityError``
    (``lines.<i>.quantity``, 1 to 9999), ``UnknownProductError`` or
    ``InactiveProductError`` (``lines.<i>.sku``).
    """
    basket, _ = _lines_resolve(lines)
    return basket


def _lines_resolve(
    lines: Sequence[tuple[str, int]],
) -> tuple[tuple[BasketLine, ...], dict[int, ProductRow]]:
    """``basket_lines_resolve``, also returning the rows of the basket's products."""
    codes = []
    for index, (code, quantity) in enumerate(lines):
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise InvalidQuantityError(field=f"lines.{index}.quantity")
        if not 1 <= quantity <= MAX_QUANTITY:
            raise InvalidQuantityError(field=f"lines.{index}.quantity")
        codes.append(str(code).strip())
    if not codes:
        return (), {}
    keys = [_gtin_key(code) for code in codes]
    by_sku, by_gtin = product_rows_by_codes(skus=set(codes), gtin_keys={key for key in keys if key})
    resolved = []
    products: dict[int, ProductRow] = {}
    for index, code in enumerate(codes):
        quantity = lines[index][1]
        if code in by_sku:
            product = by_sku[code]
        elif keys[index] in by_gtin:
            product, pack = by_gtin[keys[index]]
            quantity *= pack
        else:
            raise UnknownProductError(field=f"lines.{index}.sku", extra={"sku": code})
        if not product.is_active:
            raise InactiveProductError(field=f"lines.{index}.sku", extra={"sku": code})
        products[product.product_id] = product
        resolved.append(
            BasketLine(line_id=str(index), product_id=product.product_id, quantity=quantity)
        )
    return tuple(resolved), products


def basket_price(
    *,
    lines: Sequence[tuple[str, int]],
    channel: Channel,
    store: Store | None = None,
    customer: Customer | None = None,
    coupon_codes: Sequence[str] = (),
    at: datetime | None = None,
    language: str | None = None,
    hint_limit: int = 3,
) -> PricedBasket:
    """Price a basket of (SKU or GTIN, quantity) lines for this customer, channel, store and moment.

    Five queries at most whatever the basket and the number of campaigns: the
    products (resolving the lines), the context (groups and coupons), then the
    rest of ``pricing.loader.rules_load`` (whose price query also reads what
    hints and coupon reasons name).  At most ``hint_limit`` hints, the most
    valuable first.  Raises the errors of
    ``basket_lines_resolve`` (naming ``lines.<i>``), of
    ``pricing.loader.context_build`` (naming ``coupons.<i>``) and of the
    engine (``NoPriceError``).  A valid coupon that does not apply is reported
    in ``PricedBasket.coupons``, not raised.
    """
    priced, _ = basket_price_and_rules(
        lines=lines,
        channel=channel,
        store=store,
        customer=customer,
        coupon_codes=coupon_codes,
        at=at,
        language=language,
        hint_limit=hint_limit,
    )
    return priced


def basket_price_and_rules(
    *,
    lines: Sequence[tuple[str, int]],
    channel: Channel,
    store: Store | None = None,
    customer: Customer | None = None,
    coupon_codes: Sequence[str] = (),
    at: datetime | None = None,
    language: str | None = None,
    campaigns_since: datetime | None = None,
    hint_limit: int = 3,
) -> tuple[PricedBasket, Rules]:
    """``basket_price``, also returning the rules it priced with (the same queries).

    With ``campaigns_since`` the rules also hold the campaigns in force at
    some moment since then (for the Omnibus prior price); the price is the
    same.
    """
    at = at or timezone.now()
    basket, products = _lines_resolve(lines)
    context = context_build(
        channel=channel,
        store=store,
        customer=customer,
        coupon_codes=coupon_codes,
        at=at,
        language=language,
    )
    context = dataclasses.replace(context, hint_limit=hint_limit)
    rules = rules_load_for_rows(products.values(), context=context, campaigns_since=campaigns_since)
    return price_basket(lines=basket, context=context, rules=rules), rules


def prices_lookup(
    *,
    skus: Sequence[str],
    channel: Channel,
    store: Store | None = None,
    customer: Customer | None = None,
    at: datetime | None = None,
) -> list[ProductPrice]:
    """Return the price of one unit of each SKU, in the order asked, for listing pages.

    Up to 500 SKUs in a constant number of queries (rules are loaded once for
    all, then each product is priced alone by the engine).  A SKU without a
    price in this channel and store is left out; a SKU asked twice is answered
    once.  Raises ``TooManySkusError``, and ``UnknownProductError`` or
    ``InactiveProductError`` naming ``skus.<i>``.

    Asked for now (no ``at``), answers are remembered by the process until the
    rules change or a rule's time comes (``pricing.quote_cache``): a lookup of
    SKUs all remembered costs the products, the context and the revision.
    """
    if len(skus) > MAX_LOOKUP_SKUS:
        raise TooManySkusError(TOO_MANY_SKUS, field="skus")
    remember = at is None and quote_cache.enabled()
    at = at or timezone.now()
    wanted = [str(sku).strip() for sku in skus]
    products, _ = product_rows_by_codes(skus=set(wanted), gtin_keys=())
    for index, sku in enumerate(wanted):
        if sku not in products:
            raise UnknownProductError(field=f"skus.{index}", extra={"sku": sku})
        if not products[sku].is_active:
            raise InactiveProductError(field=f"skus.{index}", extra={"sku": sku})
    context = context_build(channel=channel, store=store, customer=customer, at=at)
    asked = list(dict.fromkeys(wanted))
    if not remember:
        found = _prices_compute(skus=asked, products=products, context=context, at=at)
        return [found[sku] for sku in asked if found[sku] is not None]
    memory = quote_cache.memory
    epoch = memory.epoch(at=at)
    scope = (channel.pk, store.pk if store else None, context.customer_id, context.group_codes)
    found = {sku: memory.get(epoch, (*scope, sku)) for sku in asked}
    missing = [sku for sku, price in found.items() if price is None]
    if missing:
        computed = _prices_compute(skus=missing, products=products, context=context, at=at)
        for sku, price in computed.items():
            memory.put(epoch, (*scope, sku), price or _NO_PRICE)
            found[sku] = price
    return [found[sku] for sku in asked if found[sku] not in (None, _NO_PRICE)]


_NO_PRICE = object()  # remembered: this SKU has no price in this scope


def _prices_compute(
    *, skus: list[str], products: dict[str, ProductRow], context, at: datetime
) -> dict[str, ProductPrice | None]:
    """Work out the unit price of each of ``skus`` (all known and active); None if it has none."""
    rules = rules_load_for_rows(
        {products[sku].product_id: products[sku] for sku in skus}.values(),
        context=context,
        campaigns_since=at - OMNIBUS_HORIZON,
    )
    prices: dict[int, list[PriceRule]] = defaultdict(list)
    for rule in rules.prices:
        prices[rule.product_id].append(rule)
    public = dataclasses.replace(context, customer_id=None, group_codes=frozenset())
    campaigns = _CampaignIndex(rules.campaigns)
    quotes = []
    touching: dict[int, tuple[CampaignRule, ...]] = {}
    found: dict[str, ProductPrice | None] = dict.fromkeys(skus)
    for sku in skus:
        product = rules.products[products[sku].product_id]
        own = prices[product.product_id]
        base = best_base_price(product_id=product.product_id, context=context, prices=own)
        if base is None:
            continue
        public_base = best_base_price(
            product_id=product.product_id,
            context=public,
            prices=[rule for rule in own if rule.is_public],
        )
        touching[product.product_id] = campaigns.for_product(product)
        priced = price_basket(
            lines=(BasketLine(line_id="0", product_id=product.product_id, quantity=1),),
            context=context,
            rules=Rules(
                products={product.product_id: product},
                prices=tuple(own),
                campaigns=touching[product.product_id],
            ),
        )
        (line,) = priced.lines
        quotes.append((sku, product, line, base, public_base))
    omnibus = omnibus_prices(
        products=rules.products,
        list_codes={
            product.product_id: (public_base.price_list_code,)
            for _sku, product, _, _, public_base in quotes
            if public_base is not None
        },
        campaigns=touching,
        context=context,
    )
    none = OmnibusPrice(prior_price=None, lowest_price_30d=None)
    for sku, product, line, base, _public_base in quotes:
        found[sku] = ProductPrice(
            sku=product.sku,
            currency=context.currency,
            price=line.total,
            ordinary_price=base.amount,
            price_list_code=base.price_list_code,
            lowest_price_30d=omnibus.get(product.product_id, none).lowest_price_30d,
            campaign_codes=tuple(dict.fromkeys(d.campaign_code for d in line.discounts)),
            prior_price=omnibus.get(product.product_id, none).prior_price,
        )
    return found


class _CampaignIndex:
    """Campaigns indexed by what their targets name, so pricing one product skips the rest."""

    def __init__(self, campaigns: Sequence[CampaignRule]):
        self._everywhere: list[CampaignRule] = []
        self._by_key: dict[tuple[str, int], list[CampaignRule]] = defaultdict(list)
        for campaign in campaigns:
            targets = (campaign.target, *campaign.components)
            if any(t.everything for t in targets):
                self._everywhere.append(campaign)
                continue
            keys = {("gift", campaign.gift_product_id)} if campaign.gift_product_id else set()
            for t in targets:
                keys |= {("product", i) for i in t.product_ids}
                keys |= {("category", i) for i in t.category_ids}
                keys |= {("brand", i) for i in t.brand_ids}
                keys |= {("set", i) for i in t.set_ids}
            for key in keys:
                self._by_key[key].append(campaign)

    def for_product(self, product: ProductInfo) -> tuple[CampaignRule, ...]:
        keys = [("product", product.product_id), ("gift", product.product_id)]
        keys += [("category", i) for i in product.category_ids]
        keys += [("set", i) for i in product.set_ids]
        if product.brand_id is not None:
            keys.append(("brand", product.brand_id))
        found = {id(c): c for c in self._everywhere}
        for key in keys:
            found.update((id(c), c) for c in self._by_key.get(key, ()))
        # Keep the loader's order (priority, code): the engine's greedy fallback reads it.
        return tuple(sorted(found.values(), key=lambda c: (-c.priority, c.code)))


def campaigns_for_channel(*, channel: Channel, at: datetime | None = None) -> QuerySet[Campaign]:
    """Return the active campaigns in force at ``at`` that a channel can show as offers.

    Campaigns for all channels or naming this one, in its currency or
    currency-free; member-only and coupon campaigns included (the caller
    shows their conditions).  Ordered by priority, then code.
    """
    at = at or timezone.now()
    channels = Campaign.channels.through.objects.filter(campaign_id=OuterRef("pk"))
    return (
        Campaign.objects.filter(status=Campaign.Status.ACTIVE, valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
        .filter(Q(currency="") | Q(currency=channel.currency))
        .filter(~Exists(channels) | Exists(channels.filter(channel_id=channel.pk)))
        .order_by("-priority", "code")
    )

"""Load the products, VAT rates and prices of a basket; assemble the ``Rules``."""

from __future__ import annotations

import zoneinfo
from collections.abc import Collection
from decimal import Decimal

from django.conf import settings
from django.db.models import CharField, F, Q, Subquery, Value
from django.db.models.functions import Coalesce

from pricing.engine.types import PriceRule, PricingContext, ProductInfo, Rules
from pricing.errors import VatRateMissingError
from pricing.loader.campaigns import campaigns_load
from pricing.loader.scope import codes_of, ids_of, in_scope, joined, scope_subqueries
from pricing.models import PriceList, PriceListEntry, ProductSet
from retail.models import Category, Channel, Product, Store, VatRate

# A channel without a store takes the VAT date in its market's time zone.
DEFAULT_MARKET_TIME_ZONES = {
    "DK": "Europe/Copenhagen",
    "SE": "Europe/Stockholm",
    "NO": "Europe/Oslo",
    "FI": "Europe/Helsinki",
    "DE": "Europe/Berlin",
}


def ancestor_paths(path: str) -> list[str]:
    """Return the materialised paths of a category and of every ancestor, root first."""
    step = Category.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def rules_load(*, product_ids: Collection[int], context: PricingContext) -> Rules:
    """Load the products, prices and campaigns in force at ``context.at`` for these products.

    Five queries at most, whatever the number of campaigns in the database.
    Unknown product ids are left out of ``Rules.products``.  Raises
    ``VatRateMissingError`` when a product's VAT class has no rate in the
    market (the store's country, else the channel's) on that local date.
    """
    ids = set(product_ids)
    if not ids:
        return Rules(products={}, prices=(), campaigns=())
    products = _products_load(ids=ids, context=context)
    return Rules(
        products=products,
        prices=_prices_load(ids=set(products), context=context),
        campaigns=campaigns_load(products=products.values(), context=context),
    )


def _products_load(*, ids: set[int], context: PricingContext) -> dict[int, ProductInfo]:
    rows = list(
        Product.objects.filter(pk__in=ids)
        .annotate(set_ids=joined(ProductSet.products.through, "product_id", "productset_id"))
        .values(
            "pk",
            "sku",
            "name",
            "brand_id",
            "vat_class_id",
            "category_id",
            "category__path",
            "set_ids",
        )
    )
    paths = {p for row in rows for p in ancestor_paths(row["category__path"])}
    category_by_path = dict(Category.objects.filter(path__in=paths).values_list("path", "pk"))
    vat = _vat_rates(vat_class_ids={row["vat_class_id"] for row in rows}, context=context)
    products = {}
    for row in rows:
        if row["vat_class_id"] not in vat:
            raise VatRateMissingError(
                extra={"sku": row["sku"], "vat_class_id": row["vat_class_id"]}
            )
        categories = {category_by_path.get(p) for p in ancestor_paths(row["category__path"])}
        categories.discard(None)
        products[row["pk"]] = ProductInfo(
            product_id=row["pk"],
            sku=row["sku"],
            name=row["name"],
            category_ids=frozenset(categories | {row["category_id"]}),
            brand_id=row["brand_id"],
            set_ids=ids_of(row["set_ids"]),
            vat_rate=vat[row["vat_class_id"]],
        )
    return products


def _vat_rates(*, vat_class_ids: set[int], context: PricingContext) -> dict[int, Decimal]:
    """Return {vat_class_id: rate} in the market at the local date of ``context.at``.

    One query: the market (the store's country, else the channel's) and the
    store's time zone are sub-selects, and every period of these classes comes
    back, so the local date is applied here.  A channel without a store takes
    the date in its market's time zone (``PRICING_MARKET_TIME_ZONES``).
    """
    channel_country = Subquery(
        Channel.objects.filter(pk=context.channel_id).values("country")[:1],
        output_field=CharField(),
    )
    store_time_zone = Value(None, output_field=CharField())
    market = channel_country
    if context.store_id is not None:
        store = Store.objects.filter(pk=context.store_id)
        market = Coalesce(
            Subquery(store.values("country")[:1]), channel_country, output_field=CharField()
        )
        store_time_zone = Subquery(store.values("time_zone")[:1], output_field=CharField())
    rows = list(
        VatRate.objects.annotate(market=market, store_time_zone=store_time_zone)
        .filter(country=F("market"), vat_class_id__in=vat_class_ids)
        .values("vat_class_id", "rate", "valid_from", "valid_to", "market", "store_time_zone")
    )
    if not rows:
        return {}
    zones = getattr(settings, "PRICING_MARKET_TIME_ZONES", DEFAULT_MARKET_TIME_ZONES)
    zone = rows[0]["store_time_zone"] or zones.get(rows[0]["market"], settings.TIME_ZONE)
    day = context.at.astimezone(zoneinfo.ZoneInfo(zone)).date()
    return {
        row["vat_class_id"]: row["rate"]
        for row in rows
        if row["valid_from"] <= day and (row["valid_to"] is None or day < row["valid_to"])
    }


def _prices_load(*, ids: set[int], context: PricingContext) -> tuple[PriceRule, ...]:
    """The entries in force at ``context.at`` in active lists of the context's currency."""
    if not ids:
        return ()
    at = context.at
    rows = (
        PriceListEntry.objects.filter(
            product_id__in=ids,
            price_list__is_active=True,
            price_list__currency=context.currency,
            valid_from__lte=at,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
        .annotate(
            list_code=F("price_list__code"),
            list_priority=F("price_list__priority"),
            **scope_subqueries(PriceList, outer="price_list_id"),
        )
        .values(
            "product_id",
            "amount",
            "valid_from",
            "valid_to",
            "list_code",
            "list_priority",
            "scope_channels",
            "scope_stores",
            "scope_groups",
        )
        .order_by("product_id", "-list_priority", "list_code")
    )
    return tuple(
        PriceRule(
            price_list_code=row["list_code"],
            priority=row["list_priority"],
            product_id=row["product_id"],
            amount=row["amount"],
            valid_from=row["valid_from"],
            valid_to=row["valid_to"],
            channel_ids=ids_of(row["scope_channels"]),
            store_ids=ids_of(row["scope_stores"]),
            group_codes=codes_of(row["scope_groups"]),
        )
        for row in rows
        if in_scope(row, context)
    )

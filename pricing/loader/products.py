"""Load a basket's products as the engine sees them: categories with ancestors, brand, sets, VAT.

Two queries: the product rows (found by id, or by SKU and GTIN when a basket
is resolved, so resolving the lines costs nothing extra), then one statement
for the ancestors of their categories and the VAT rates of their classes in
the market.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from pricing import conf
from pricing.engine.types import PricingContext, ProductInfo
from pricing.errors import VatRateMissingError
from pricing.loader.sql import in_list, joined, list_param, statement, to_date, to_percent
from retail.db_router import read_connection
from retail.models import Category


@dataclass(frozen=True, slots=True)
class ProductRow:
    """A product row as loaded, before its categories' ancestors and VAT rate are known."""

    product_id: int
    sku: str
    is_active: bool
    name: str
    brand_id: int | None
    vat_class_id: int
    category_id: int
    set_ids: frozenset[int]


def ancestor_paths(path: str) -> list[str]:
    """Return the materialised paths of a category and of every ancestor, root first."""
    step = Category.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def _product_columns(vendor: str) -> str:
    return (
        "p.id, p.sku, p.is_active, p.name, p.brand_id, p.vat_class_id, p.category_id, "  # noqa: S608
        f"(SELECT {joined(vendor, 's.productset_id')} FROM pricing_productset_products s "
        "WHERE s.product_id = p.id)"
    )


def _by_ids_sql(vendor: str) -> str:
    return (
        f"SELECT {_product_columns(vendor)} FROM retail_product p "  # noqa: S608
        f"WHERE {in_list(vendor, 'p.id')}"
    )


def _by_codes_sql(vendor: str) -> str:
    # Every GTIN of a found product comes back; the caller looks up only the keys it asked for.
    return (
        f"SELECT {_product_columns(vendor)}, g.gtin14, g.pack_quantity "  # noqa: S608
        "FROM retail_product p LEFT JOIN retail_productgtin g ON g.product_id = p.id "
        "WHERE p.id IN ("
        f"SELECT id FROM retail_product WHERE {in_list(vendor, 'sku', 'text')} "
        "UNION SELECT product_id FROM retail_productgtin "
        f"WHERE {in_list(vendor, 'gtin14', 'text')})"
    )


def _product_row(row: Sequence) -> ProductRow:
    sets = row[7]
    return ProductRow(
        product_id=row[0],
        sku=row[1],
        is_active=bool(row[2]),
        name=row[3],
        brand_id=row[4],
        vat_class_id=row[5],
        category_id=row[6],
        set_ids=frozenset(map(int, sets.split(","))) if sets else frozenset(),
    )


def product_rows_by_ids(ids: Collection[int]) -> list[ProductRow]:
    """Return the rows of these products (unknown ids left out); one query."""
    with read_connection().cursor() as cursor:
        cursor.execute(statement("products_by_ids", _by_ids_sql), [list_param(ids)])
        return [_product_row(row) for row in cursor.fetchall()]


def product_rows_by_codes(
    *, skus: Collection[str], gtin_keys: Collection[str]
) -> tuple[dict[str, ProductRow], dict[str, tuple[ProductRow, int]]]:
    """Return ({sku: row}, {GTIN-14: (row, pack quantity)}) of the products these codes name.

    One query; a product found by either code comes back with all its GTINs.
    """
    by_sku: dict[str, ProductRow] = {}
    by_gtin: dict[str, tuple[ProductRow, int]] = {}
    with read_connection().cursor() as cursor:
        cursor.execute(
            statement("products_by_codes", _by_codes_sql),
            [list_param(skus), list_param(gtin_keys)],
        )
        rows = cursor.fetchall()
    for row in rows:
        product = by_sku.get(row[1]) or _product_row(row)
        by_sku[product.sku] = product
        if row[8] is not None:
            by_gtin[row[8]] = (product, row[9])
    return by_sku, by_gtin


def _reference_sql(vendor: str) -> str:
    step = Category.steplen
    path = "CAST(path AS TEXT)" if vendor == "postgresql" else "path"
    return (
        "WITH RECURSIVE anc(category_id, path) AS ("  # noqa: S608
        f"SELECT id, {path} FROM retail_category WHERE {in_list(vendor, 'id')} "
        f"UNION ALL SELECT category_id, SUBSTR(path, 1, LENGTH(path) - {step}) FROM anc "
        f"WHERE LENGTH(path) > {step}), "
        "market(country, time_zone) AS (SELECT COALESCE("
        "(SELECT country FROM retail_store WHERE id = %s), "
        "(SELECT country FROM retail_channel WHERE id = %s)), "
        "(SELECT time_zone FROM retail_store WHERE id = %s)) "
        "SELECT 'a', anc.category_id, c.id, NULL, NULL, NULL, NULL, NULL "
        "FROM anc JOIN retail_category c ON c.path = anc.path "
        "UNION ALL SELECT 'v', v.vat_class_id, NULL, v.rate, v.valid_from, v.valid_to, "
        "m.country, m.time_zone FROM retail_vatrate v JOIN market m ON v.country = m.country "
        f"WHERE {in_list(vendor, 'v.vat_class_id')} "
        "UNION ALL SELECT 'r', r.revision, NULL, NULL, NULL, NULL, "
        "CAST(r.changed_at AS TEXT), NULL FROM pricing_rulesrevision r WHERE r.id = 1"
    )


def products_build(
    rows: Collection[ProductRow], *, context: PricingContext
) -> tuple[dict[int, ProductInfo], str | None]:
    """Complete rows into ``ProductInfo``: ancestors and the market's VAT rate; one query.

    Return the products by id and the rules revision token read in the same
    statement (None before the first change), for caches kept per revision.

    Raises ``VatRateMissingError`` when a product's VAT class has no rate in
    the market (the store's country, else the channel's) on the local date of
    ``context.at`` (the store's time zone, else the market's:
    ``PRICING_MARKET_TIME_ZONES``).
    """
    if not rows:
        return {}, None
    ancestors: dict[int, set[int]] = defaultdict(set)
    periods = []
    revision = None
    with read_connection().cursor() as cursor:
        cursor.execute(
            statement("products_reference", _reference_sql),
            [
                list_param({row.category_id for row in rows}),
                context.store_id,
                context.channel_id,
                context.store_id,
                list_param({row.vat_class_id for row in rows}),
            ],
        )
        for tag, key, ancestor, rate, valid_from, valid_to, market, time_zone in cursor:
            if tag == "a":
                ancestors[key].add(ancestor)
            elif tag == "r":
                revision = f"{connection.alias}:{connection.settings_dict['NAME']}:{key}@{market}"
            else:
                periods.append((key, rate, valid_from, valid_to, market, time_zone))
    vat = _vat_in_force(periods, context=context)
    products = {}
    for row in rows:
        if row.vat_class_id not in vat:
            raise VatRateMissingError(extra={"sku": row.sku, "vat_class_id": row.vat_class_id})
        products[row.product_id] = ProductInfo(
            product_id=row.product_id,
            sku=row.sku,
            name=row.name,
            category_ids=frozenset(ancestors[row.category_id] | {row.category_id}),
            brand_id=row.brand_id,
            set_ids=row.set_ids,
            vat_rate=vat[row.vat_class_id],
        )
    return products, revision


def _vat_in_force(periods: list[tuple], *, context: PricingContext) -> dict[int, Decimal]:
    if not periods:
        return {}
    _, _, _, _, market, time_zone = periods[0]
    zone = time_zone or conf.market_time_zone(market)
    day = context.at.astimezone(zoneinfo.ZoneInfo(zone)).date()
    rates = {}
    for vat_class_id, rate, valid_from, valid_to, _, _ in periods:
        valid_to = to_date(valid_to)
        if to_date(valid_from) <= day and (valid_to is None or day < valid_to):
            rates[vat_class_id] = to_percent(rate)
    return rates

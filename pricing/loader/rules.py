"""Load the prices and campaigns of a basket's products; assemble the ``Rules``."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from pricing.engine.types import PriceRule, PricingContext, ProductInfo, References, Rules
from pricing.loader.campaigns import campaigns_load
from pricing.loader.products import ProductRow, product_rows_by_ids, products_build
from pricing.loader.references import Wanted, names_sql_branches, references_build
from pricing.loader.scope import codes_of, ids_of, in_scope, scope_columns
from pricing.loader.sql import at_param, in_list, list_param, statement, to_datetime, to_decimal
from retail.db_router import read_connection


def rules_load(
    *,
    product_ids: Collection[int],
    context: PricingContext,
    campaigns_since: datetime | None = None,
) -> Rules:
    """Load the products, prices and campaigns in force at ``context.at`` for these products.

    Four queries, whatever the number of campaigns in the database.  Unknown
    product ids are left out of ``Rules.products``.  Raises
    ``VatRateMissingError`` when a product's VAT class has no rate in the
    market (the store's country, else the channel's) on that local date.
    """
    ids = set(product_ids)
    if not ids:
        return Rules(products={}, prices=(), campaigns=())
    return rules_load_for_rows(
        product_rows_by_ids(ids), context=context, campaigns_since=campaigns_since
    )


def rules_load_for_rows(
    rows: Collection[ProductRow],
    *,
    context: PricingContext,
    campaigns_since: datetime | None = None,
) -> Rules:
    """``rules_load`` for product rows already fetched (``pricing.loader.products``); 3 queries.

    The campaigns come before the prices: the price query also reads the
    prices and names of what the campaigns' hints may ask to add
    (``Rules.references``, see ``pricing.loader.references``).

    With ``campaigns_since``, ``Rules.campaigns`` also holds the campaigns in
    force at some moment since then (see ``campaigns_load``).
    """
    products, revision = products_build(rows, context=context)
    if not products:
        return Rules(products={}, prices=(), campaigns=())
    campaigns = campaigns_load(
        products=products.values(), context=context, revision=revision, since=campaigns_since
    )
    prices, references = prices_load(
        products=products,
        context=context,
        wanted=Wanted(basket=products, campaigns=campaigns, context=context),
    )
    return Rules(products=products, prices=prices, campaigns=campaigns, references=references)


def _prices_sql(vendor: str) -> str:
    return (
        "SELECT 'e', e.product_id, l.code, NULL, NULL, e.amount, e.valid_from, e.valid_to, "  # noqa: S608
        f"l.priority, {scope_columns(vendor, 'pricelist', 'l.id')} "
        "FROM pricing_pricelistentry e JOIN pricing_pricelist l ON l.id = e.price_list_id "
        f"WHERE {in_list(vendor, 'e.product_id')} AND l.is_active AND l.currency = %s "
        "AND e.valid_from <= %s AND (e.valid_to IS NULL OR e.valid_to > %s) "
        f"{names_sql_branches(lambda column: in_list(vendor, column))} "
        "ORDER BY 1, 2, 9 DESC, 3"
    )


def prices_load(
    *,
    products: dict[int, ProductInfo],
    context: PricingContext,
    wanted: Wanted | None = None,
) -> tuple[tuple[PriceRule, ...], References]:
    """Return the entries in force at ``context.at`` in active lists of its currency, and
    what ``wanted`` names (see ``pricing.loader.references``); one query.

    ``wanted`` adds the prices of the products a hint may ask to add.
    """
    wanted = wanted or Wanted(basket=products, campaigns=(), context=context)
    at = at_param(context.at)
    with read_connection().cursor() as cursor:
        cursor.execute(
            statement("prices", _prices_sql),
            [
                list_param(sorted({*products, *wanted.addable})),
                context.currency,
                at,
                at,
                list_param(sorted(wanted.named)),
                list_param(sorted(wanted.groups["c"])),
                list_param(sorted(wanted.groups["b"])),
                list_param(sorted(wanted.groups["s"])),
            ],
        )
        rows = cursor.fetchall()
    rules = []
    names = []
    for row in rows:
        if row[0] != "e":
            names.append(row)
            continue
        _, product_id, code, _, _, amount, valid_from, valid_to, priority, *scope = row
        if not in_scope(*scope, context):
            continue
        rules.append(
            PriceRule(
                price_list_code=code,
                priority=priority,
                product_id=product_id,
                amount=to_decimal(amount),
                valid_from=to_datetime(valid_from),
                valid_to=to_datetime(valid_to),
                channel_ids=ids_of(scope[0]),
                store_ids=ids_of(scope[1]),
                group_codes=codes_of(scope[2]),
            )
        )
    return tuple(rules), references_build(names, wanted)

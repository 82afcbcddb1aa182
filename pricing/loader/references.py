"""Load the names hints and coupon reasons show, and the products a hint may ask to add.

At most one query per basket, none when nothing is missing: the campaigns
in force already name their targets by id; this fetches, in one tagged
statement,

* the products a hint may ask to add that are not in the basket (a gift, a
  bundle's single-product component) and the products a presented coupon's
  campaign targets: SKU, name, whether active, and, for the active ones
  among the first two, their price list entries in force in the context's
  currency (so "sold here" is the engine's base-price rule);
* the code and name of every set, category and brand targeted by a spend
  threshold, gift or mix & match campaign, or by a presented coupon's
  campaign.
"""

from __future__ import annotations

from dataclasses import replace

from django.db import connection

from pricing.engine import types as t
from pricing.loader.scope import codes_of, ids_of, in_scope, scope_columns
from pricing.loader.sql import at_param, in_list, list_param, statement, to_datetime, to_decimal

# Kinds whose hints name a set, category or brand.
_GROUP_NAMING_KINDS = frozenset({t.SPEND_THRESHOLD, t.GIFT_WITH_PURCHASE, t.MIX_MATCH})
_TAG_KEY = {"c": "category", "b": "brand", "s": "set"}


def _references_sql(vendor: str) -> str:
    scope = scope_columns(vendor, "pricelist", "l.id")
    return (
        "SELECT 'e', e.product_id, l.code, NULL, p.is_active, e.amount, e.valid_from, "  # noqa: S608
        f"e.valid_to, l.priority, {scope} "
        "FROM pricing_pricelistentry e JOIN pricing_pricelist l ON l.id = e.price_list_id "
        "JOIN retail_product p ON p.id = e.product_id "
        f"WHERE {in_list(vendor, 'e.product_id')} AND p.is_active AND l.is_active "
        "AND l.currency = %s AND e.valid_from <= %s AND (e.valid_to IS NULL OR e.valid_to > %s) "
        "UNION ALL SELECT 'p', id, sku, name, is_active, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
        f"FROM retail_product WHERE {in_list(vendor, 'id')} "
        "UNION ALL SELECT 'c', id, code, name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
        f"FROM retail_category WHERE {in_list(vendor, 'id')} "
        "UNION ALL SELECT 'b', id, code, name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
        f"FROM retail_brand WHERE {in_list(vendor, 'id')} "
        "UNION ALL SELECT 's', id, code, name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
        f"FROM pricing_productset WHERE {in_list(vendor, 'id')}"
    )


def _wanted(rules: t.Rules, context: t.PricingContext):
    """Ids to fetch: (addable products, named-only products, categories, brands, sets)."""
    in_basket = rules.products.keys()
    addable: set[int] = set()
    named: set[int] = set()
    groups: dict[str, set[int]] = {"c": set(), "b": set(), "s": set()}
    coupons = context.unlocked_campaign_ids
    for rule in rules.campaigns:
        if rule.gift_product_id is not None:
            addable.add(rule.gift_product_id)
        for component in rule.components:
            if len(component.product_ids) == 1:
                addable.update(component.product_ids)
        targets = (rule.target, *rule.components)
        if rule.campaign_id in coupons:
            for target in targets:
                named.update(target.product_ids)
        if rule.campaign_id in coupons or rule.kind in _GROUP_NAMING_KINDS:
            for target in targets:
                groups["c"].update(target.category_ids)
                groups["b"].update(target.brand_ids)
                groups["s"].update(target.set_ids)
    addable -= in_basket
    named = (named - in_basket) | addable
    return addable, named, groups


def references_load(*, rules: t.Rules, context: t.PricingContext) -> t.Rules:
    """``rules`` with ``references`` filled (and the addable products' prices); one query.

    No query when every product a hint or coupon reason could name is in the
    basket and no campaign names a set, category or brand.
    """
    addable, named, groups = _wanted(rules, context)
    if not named and not any(groups.values()):
        return rules
    at = at_param(context.at)
    with connection.cursor() as cursor:
        cursor.execute(
            statement("references", _references_sql),
            [
                list_param(sorted(addable)),
                context.currency,
                at,
                at,
                list_param(sorted(named)),
                list_param(sorted(groups["c"])),
                list_param(sorted(groups["b"])),
                list_param(sorted(groups["s"])),
            ],
        )
        rows = cursor.fetchall()
    names: dict[tuple[str, int], t.Named] = {}
    active: set[int] = set()
    prices = []
    for tag, key, code, name, is_active, amount, valid_from, valid_to, priority, *scope in rows:
        if tag == "e":
            if in_scope(*scope, context):
                prices.append(
                    t.PriceRule(
                        price_list_code=code,
                        priority=priority,
                        product_id=key,
                        amount=to_decimal(amount),
                        valid_from=to_datetime(valid_from),
                        valid_to=to_datetime(valid_to),
                        channel_ids=ids_of(scope[0]),
                        store_ids=ids_of(scope[1]),
                        group_codes=codes_of(scope[2]),
                    )
                )
        elif tag == "p":
            names[("product", key)] = t.Named(code=code, name=name)
            if is_active:
                active.add(key)
        else:
            names[(_TAG_KEY[tag], key)] = t.Named(code=code, name=name)
    return replace(
        rules,
        prices=rules.prices + tuple(prices),
        references=t.References(addable=frozenset(addable & active), names=names),
    )

"""What hints and coupon reasons name, read with the prices in the loader's price query.

The campaigns in force name their targets by id.  The price statement
(``pricing.loader.rules.prices_load``) runs after them and, in the same one
query, also fetches

* the price list entries of the products a hint may ask to add that are not
  in the basket (a gift, a bundle's single-product component), so "sold
  here" is the engine's ordinary base-price rule;
* SKU, name and whether active of those products and of the products a
  presented coupon's campaign targets;
* the code and name of every set, category and brand targeted by a spend
  threshold, gift or mix & match campaign, or by a presented coupon's
  campaign.

So the names cost no query of their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from pricing.engine import types as t

# Kinds whose hints name a set, category or brand.
_GROUP_NAMING_KINDS = frozenset({t.SPEND_THRESHOLD, t.GIFT_WITH_PURCHASE, t.MIX_MATCH})
TAG_KEY = {"c": "category", "b": "brand", "s": "set"}


def names_sql_branches(in_list) -> str:
    """The UNION ALL branches of the names, as many columns as a price row plus the tag
    (tag, id, code, name, is_active, then NULLs); ``in_list(column)`` is the list filter."""
    pad = ", NULL" * 7
    return (
        f"UNION ALL SELECT 'p', id, sku, name, is_active{pad} FROM retail_product "  # noqa: S608
        f"WHERE {in_list('id')} "
        f"UNION ALL SELECT 'c', id, code, name, NULL{pad} FROM retail_category "
        f"WHERE {in_list('id')} "
        f"UNION ALL SELECT 'b', id, code, name, NULL{pad} FROM retail_brand "
        f"WHERE {in_list('id')} "
        f"UNION ALL SELECT 's', id, code, name, NULL{pad} FROM pricing_productset "
        f"WHERE {in_list('id')}"
    )


class Wanted:
    """Ids the price query also fetches: addable and named products, named groups."""

    def __init__(
        self,
        *,
        basket: Iterable[int],
        campaigns: Iterable[t.CampaignRule],
        context: t.PricingContext,
    ):
        in_basket = set(basket)
        addable: set[int] = set()
        named: set[int] = set()
        self.groups: dict[str, set[int]] = {"c": set(), "b": set(), "s": set()}
        coupons = context.unlocked_campaign_ids
        for rule in campaigns:
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
                    self.groups["c"].update(target.category_ids)
                    self.groups["b"].update(target.brand_ids)
                    self.groups["s"].update(target.set_ids)
        self.addable = addable - in_basket
        self.named = (named - in_basket) | self.addable


def references_build(rows: Iterable[tuple], wanted: Wanted) -> t.References:
    """The names rows (tags p, c, b, s) as ``References``; an inactive product is never
    addable."""
    names: dict[tuple[str, int], t.Named] = {}
    active: set[int] = set()
    for tag, key, code, name, is_active, *_rest in rows:
        if tag == "p":
            names[("product", key)] = t.Named(code=code, name=name)
            if is_active:
                active.add(key)
        else:
            names[(TAG_KEY[tag], key)] = t.Named(code=code, name=name)
    return t.References(addable=frozenset(wanted.addable & active), names=names)

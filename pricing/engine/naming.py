"""What a campaign targets, as a customer reads it: products by SKU and name, groups by name.

Names come from the basket's own products and from ``Rules.references``
(loaded for the campaigns in force); a target whose name is unknown is left
out rather than shown as a bare id.  A product a hint asks to add must be
*sellable here*: in the basket already, or active (``references.addable``)
with a base price in force for this context.
"""

from __future__ import annotations

from decimal import Decimal

from pricing.engine import types as t
from pricing.engine.scope import best_base_price

_GROUPS = (
    (t.TARGET_SET, "set", "set_ids"),
    (t.TARGET_CATEGORY, "category", "category_ids"),
    (t.TARGET_BRAND, "brand", "brand_ids"),
)
BASKET = t.HintTarget(type=t.TARGET_BASKET)


def product_target(product_id: int, rules: t.Rules) -> t.HintTarget | None:
    """A product as a hint names it, or ``None`` when its SKU and name are unknown."""
    product = rules.products.get(product_id)
    if product is not None:
        return t.HintTarget(type=t.TARGET_PRODUCT, code=product.sku, name=product.name)
    named = rules.references.names.get(("product", product_id))
    if named is None:
        return None
    return t.HintTarget(type=t.TARGET_PRODUCT, code=named.code, name=named.name)


def targets_of(target: t.Target, rules: t.Rules) -> tuple[t.HintTarget, ...]:
    """What ``target`` includes, named: sets, categories, brands, then products; by name.

    The whole basket for a target that matches everything.
    """
    if target.everything:
        return (BASKET,)
    named: list[t.HintTarget] = []
    for kind, key, attr in _GROUPS:
        found = []
        for group_id in getattr(target, attr):
            name = rules.references.names.get((key, group_id))
            if name is not None:
                found.append(t.HintTarget(type=kind, code=name.code, name=name.name))
        named += sorted(found, key=lambda n: (n.name, n.code))
    products = [product_target(pid, rules) for pid in target.product_ids]
    named += sorted((p for p in products if p is not None), key=lambda n: (n.name, n.code))
    return tuple(named)


def sellable_price(product_id: int, context: t.PricingContext, rules: t.Rules) -> Decimal | None:
    """The base price of a product a customer could add here, or ``None`` if they cannot.

    In the basket already, or active and priced in this channel, store and
    currency at ``context.at`` (what the loader loaded for the references).
    """
    if product_id not in rules.products and product_id not in rules.references.addable:
        return None
    rule = best_base_price(product_id=product_id, context=context, prices=rules.prices)
    return rule.amount if rule is not None else None

"""Hints: what the customer could add to get a deal that did not (fully) apply.

Computed on the priced basket for every campaign in force (and unlocked):

* multibuy, mix & match: the target units are short of the next group and
  the campaign has not reached its cap: "Add 1 more to get 3 for 2" (the
  product closest to a group, for a multibuy);
* bundle that did not apply, with some components present: "Add <first
  missing component> to complete the bundle";
* spend threshold that did not apply: "Spend 50.00 more for 10% off", the
  spend measured as the campaign would (after line-level discounts);
* gift with purchase that did not apply: "Spend 120.00 more for a free
  <gift>" when short of the threshold, else "Add <gift> - it's free with your
  purchase" when the gift is not in the basket.

Amounts are in the context's currency with its minor unit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from pricing.engine import types as t
from pricing.engine.groups import mix_benefit, mix_free_count
from pricing.engine.offers import Basket, Offer, State
from pricing.engine.search import Applied
from pricing.engine.units import COUNTED, ZERO
from retail.money import quantize


def hints_build(
    *,
    offers: list[Offer],
    state: State,
    applied: Mapping[Offer, Applied],
    basket: Basket,
    products: Mapping[int, t.ProductInfo],
) -> tuple[t.Hint, ...]:
    """One hint per campaign in force that the basket could still unlock, by priority."""
    hints = []
    for offer in sorted(offers, key=lambda o: (-o.rule.priority, o.rule.code)):
        build = _BUILDERS.get(offer.rule.kind)
        hint = build and build(offer, state, applied.get(offer), basket, products)
        if hint:
            hints.append(hint)
    return tuple(hints)


def _amount(state: State, lines, modes, skip=()) -> Decimal:
    return sum(
        (
            price * count
            for line in lines
            if line not in skip
            for price, mode, count in state[line]
            if modes[mode]
        ),
        ZERO,
    )


def _quantity(state: State, lines) -> int:
    return sum(count for line in lines for _p, _m, count in state[line])


def _money(amount: Decimal, basket: Basket) -> str:
    return str(quantize(amount, basket.currency))


def _percent(percent: Decimal) -> str:
    return f"{percent.normalize():f}%"


def _deal(rule: t.CampaignRule, basket: Basket) -> str:
    """The deal in a few words: "3 for 2", "2 for 30.00", "50% off the cheapest of 2"."""
    size = rule.buy_quantity
    if rule.kind == t.MIX_MATCH:
        benefit = mix_benefit(rule)
        if benefit == t.BENEFIT_CHEAPEST_PERCENT:
            return f"{_percent(rule.percent or ZERO)} off the cheapest of {size}"
        if benefit == t.BENEFIT_CHEAPEST_FREE:
            return f"{size} for {size - mix_free_count(rule)}"
    elif rule.pay_quantity is not None:
        return f"{size} for {rule.pay_quantity}"
    return f"{size} for {_money(rule.price or ZERO, basket)}"


def _group_hint(offer, state, applied, basket, products):
    rule = offer.rule
    size = rule.buy_quantity
    if not size or size < 2:
        return None
    if rule.max_applications is not None and applied and applied.times >= rule.max_applications:
        return None
    if rule.kind == t.MULTIBUY:
        by_product: dict[int, int] = {}
        for line in offer.target_lines:
            product_id = basket.product_ids[line]
            by_product[product_id] = by_product.get(product_id, 0) + _quantity(state, (line,))
        quantities = list(by_product.values())
    else:
        quantities = [_quantity(state, offer.target_lines)]
    missing = [size - n % size for n in quantities if n % size]
    if not missing:
        return None
    fewest = min(missing)
    return t.Hint(
        campaign_code=rule.code,
        message=f"Add {fewest} more to get {_deal(rule, basket)}",
        missing_quantity=fewest,
    )


def _bundle_hint(offer, state, applied, basket, products):
    if applied:
        return None
    rule = offer.rule
    have = [_quantity(state, lines) for lines in offer.component_lines]
    short = [
        (component, component.quantity - n)
        for component, n in zip(rule.components, have, strict=True)
        if n < component.quantity
    ]
    if not short or not any(have):
        return None
    component, _missing = short[0]
    name = "one more item"
    if len(component.product_ids) == 1:
        (product_id,) = component.product_ids
        if product_id in products:
            name = products[product_id].name
    return t.Hint(
        campaign_code=rule.code,
        message=f"Add {name} to complete the bundle",
        missing_quantity=sum(missing for _c, missing in short),
    )


def _spend_hint(offer, state, applied, basket, products):
    rule = offer.rule
    if applied or not rule.threshold_amount:
        return None
    spend = _amount(state, offer.target_lines, offer.eligible)
    if spend >= rule.threshold_amount:
        return None
    missing = rule.threshold_amount - spend
    if rule.percent:
        benefit = f"{_percent(rule.percent)} off"
    elif rule.amount:
        benefit = f"{_money(rule.amount, basket)} off"
    else:
        return None
    return t.Hint(
        campaign_code=rule.code,
        message=f"Spend {_money(missing, basket)} more for {benefit}",
        missing_amount=quantize(missing, basket.currency),
    )


def _gift_hint(offer, state, applied, basket, products):
    rule = offer.rule
    if applied or rule.gift_product_id is None:
        return None
    gift = products.get(rule.gift_product_id)
    name = gift.name if gift else rule.text("en")
    skip = frozenset(offer.gift_lines) if offer.gift_in_target else frozenset()
    if rule.threshold_amount:
        spend = _amount(state, offer.target_lines, COUNTED, skip)
        if spend < rule.threshold_amount:
            missing = rule.threshold_amount - spend
            return t.Hint(
                campaign_code=rule.code,
                message=f"Spend {_money(missing, basket)} more for a free {name}",
                missing_amount=quantize(missing, basket.currency),
            )
    if offer.gift_lines:
        return None
    return t.Hint(
        campaign_code=rule.code,
        message=f"Add {name} \N{EN DASH} it's free with your purchase",
        missing_quantity=max(rule.gift_quantity, 1),
    )


_BUILDERS: dict[str, Callable] = {
    t.MULTIBUY: _group_hint,
    t.MIX_MATCH: _group_hint,
    t.BUNDLE: _bundle_hint,
    t.SPEND_THRESHOLD: _spend_hint,
    t.GIFT_WITH_PURCHASE: _gift_hint,
}

"""Hints: what the customer could add or spend to get a deal that did not (fully) apply.

Built on the priced basket for every campaign in force (and unlocked), at
most one per campaign, structured (the words are rendered outside the
engine, in the customer's language), and only when the customer can act on
it:

* multibuy, mix & match (``add_quantity``): the target is short of the next
  group and the campaign has not reached its cap.  A multibuy names the product closest
  to a group; a mix & match its set, category or brand, else a product of it
  in the basket;
* bundle (``complete_bundle``): not applied, every component present but one,
  and that one a single product that is sellable here;
* spend threshold (``spend_more``): short of its threshold ("spend 50.00 more
  on Coffee for 10 % off"); a repeating one ("5.00 off per 30.00") also when
  applied, for the next step, until its cap;
* gift with purchase: short of its threshold (``spend_more``), or earned but
  the gift not in the basket (``add_gift``); never for a gift not sellable.

The spend is measured as the campaign measures it (after line-level
discounts, under its stacking policy).  Each hint carries the discount it
unlocks (``reward.amount``, an estimate at the current prices of the units
involved); hints are ranked by it, highest first, then by priority and code,
and cut at ``context.hint_limit``.  Amounts are in whole minor units.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from pricing.engine import types as t
from pricing.engine.groups import mix_benefit, mix_free_count
from pricing.engine.naming import BASKET, product_target, sellable_price, targets_of
from pricing.engine.offers import Basket, Offer, State
from pricing.engine.search import Applied
from pricing.engine.spend import spend_steps
from pricing.engine.units import COUNTED, HUNDRED, ZERO
from retail.money import quantize


def rank_hints(hints: Mapping[Offer, t.Hint], limit: int) -> tuple[t.Hint, ...]:
    """The ``limit`` most valuable hints: by reward, then priority, then campaign code."""
    if limit <= 0:
        return ()
    ranked = sorted(
        hints.items(),
        key=lambda item: (-item[1].reward.amount, -item[0].rule.priority, item[0].rule.code),
    )
    return tuple(hint for _offer, hint in ranked[:limit])


def hints_by_offer(
    *,
    offers: list[Offer],
    state: State,
    applied: Mapping[Offer, Applied],
    basket: Basket,
    rules: t.Rules,
    context: t.PricingContext,
) -> dict[Offer, t.Hint]:
    """Every offer's hint, unranked (``rank_hints`` picks; coupon reasons read them all)."""
    hints = {}
    for offer in offers:
        build = _BUILDERS.get(offer.rule.kind)
        if build is None:
            continue
        hint = build(_Seen(offer, state, applied.get(offer), basket, rules, context))
        if hint is not None and hint.reward.amount > 0:
            hints[offer] = hint
    return hints


class _Seen:
    """One offer and the basket as a hint builder sees them."""

    __slots__ = ("applied", "basket", "context", "offer", "rule", "rules", "state")

    def __init__(self, offer, state, applied, basket, rules, context):
        self.offer = offer
        self.rule = offer.rule
        self.state = state
        self.applied = applied
        self.basket = basket
        self.rules = rules
        self.context = context

    def money(self, amount: Decimal) -> Decimal:
        return quantize(amount, self.basket.currency)

    def at_cap(self) -> bool:
        cap = self.rule.max_applications
        return cap is not None and self.applied is not None and self.applied.times >= cap

    def units(self, lines, modes=None) -> list[tuple[Decimal, int]]:
        """(price, count) of the units of ``lines`` in ``modes`` (default: the offer's)."""
        modes = modes or self.offer.eligible
        return [
            (price, count)
            for line in lines
            for price, mode, count in self.state[line]
            if modes[mode]
        ]

    def spend(self, lines, modes=None, state=None) -> Decimal:
        modes = modes or self.offer.eligible
        state = state or self.state
        return sum(
            (price * count for line in lines for price, mode, count in state[line] if modes[mode]),
            ZERO,
        )

    def hint(self, kind, target, reward, quantity=None, amount=None) -> t.Hint:
        return t.Hint(
            kind=kind,
            campaign_code=self.rule.code,
            campaign_name=self.rule.name,
            target=target,
            reward=reward,
            missing_quantity=quantity,
            missing_amount=self.money(amount) if amount is not None else None,
        )


def _group_reward(seen: _Seen, prices: list[Decimal]) -> t.HintReward | None:
    """The deal on one group of these unit prices (most expensive first)."""
    rule = seen.rule
    size = rule.buy_quantity or 0
    benefit = mix_benefit(rule) if rule.kind == t.MIX_MATCH else None
    if rule.kind == t.MULTIBUY and rule.pay_quantity is not None:
        free = size - rule.pay_quantity
        amount = sum(prices[len(prices) - free :], ZERO) if free > 0 else ZERO
        return t.HintReward(t.REWARD_FREE_UNITS, seen.money(amount), size, rule.pay_quantity)
    if benefit == t.BENEFIT_CHEAPEST_FREE:
        free = mix_free_count(rule)
        amount = sum(prices[len(prices) - free :], ZERO) if 0 < free <= size else ZERO
        return t.HintReward(t.REWARD_FREE_UNITS, seen.money(amount), size, size - free)
    if benefit == t.BENEFIT_CHEAPEST_PERCENT:
        percent = min(rule.percent or ZERO, HUNDRED)
        amount = seen.money(prices[-1] * percent / HUNDRED)
        return t.HintReward(t.REWARD_CHEAPEST_PERCENT, amount, size, percent=percent)
    if rule.price is None:
        return None
    amount = max(sum(prices, ZERO) - rule.price, ZERO)
    return t.HintReward(t.REWARD_GROUP_PRICE, seen.money(amount), size, price=rule.price)


def _group_hint(seen: _Seen) -> t.Hint | None:
    rule, offer = seen.rule, seen.offer
    size = rule.buy_quantity
    if not size or size < 2 or seen.at_cap():
        return None
    if rule.kind == t.MULTIBUY:
        best = None
        by_product: dict[int, list[int]] = {}
        for line in offer.target_lines:
            by_product.setdefault(seen.basket.product_ids[line], []).append(line)
        for product_id, lines in sorted(by_product.items()):
            units = seen.units(lines)
            have = sum(count for _p, count in units) % size
            if not have:
                continue
            price = max(p for p, _c in units)
            option = (size - have, -price, product_id)
            if best is None or option < best:
                best = option
        if best is None:
            return None
        missing, price, product_id = best[0], -best[1], best[2]
        reward = _group_reward(seen, [price] * size)
        target = product_target(product_id, seen.rules)
        kind = t.ADD_QUANTITY
    else:
        units = sorted(seen.units(offer.target_lines), reverse=True)
        prices = [price for price, count in units for _ in range(count)]
        have = len(prices) % size
        if not have:
            return None
        missing = size - have
        partial = prices[len(prices) - have :]
        reward = _group_reward(seen, partial + [partial[-1]] * missing)
        target, kind = _mix_target(seen)
    if reward is None or target is None:
        return None
    return seen.hint(kind, target, reward, quantity=missing)


def _mix_target(seen: _Seen) -> tuple[t.HintTarget | None, str]:
    """A mix & match names its set, category or brand; else the dearest product of it in
    the basket."""
    named = targets_of(seen.rule.target, seen.rules)
    groups = [n for n in named if n.type not in (t.TARGET_PRODUCT, t.TARGET_BASKET)]
    if len(groups) == 1 and not seen.rule.target.product_ids:
        return groups[0], t.ADD_QUANTITY
    lines = seen.offer.target_lines
    dearest = max(lines, key=lambda line: (seen.state[line][0][0], -line))
    return product_target(seen.basket.product_ids[dearest], seen.rules), t.ADD_QUANTITY


def _bundle_hint(seen: _Seen) -> t.Hint | None:
    rule, offer = seen.rule, seen.offer
    if seen.applied is not None or rule.price is None:
        return None
    values = ZERO
    short = []
    for component, lines in zip(rule.components, offer.component_lines, strict=True):
        units = sorted(seen.units(lines), reverse=True)
        prices = [price for price, count in units for _ in range(count)]
        need = component.quantity
        values += sum(prices[:need], ZERO)
        if len(prices) < need:
            short.append((component, need - len(prices)))
    if len(short) != 1 or len(short) == len(rule.components):
        return None
    component, missing = short[0]
    if len(component.product_ids) != 1:
        return None
    (product_id,) = component.product_ids
    price = sellable_price(product_id, seen.context, seen.rules)
    target = product_target(product_id, seen.rules)
    if price is None or target is None:
        return None
    amount = values + price * missing - rule.price
    reward = t.HintReward(t.REWARD_BUNDLE, seen.money(max(amount, ZERO)), price=rule.price)
    kind = t.COMPLETE_BUNDLE
    return seen.hint(kind, target, reward, quantity=missing)


def _spend_target(seen: _Seen) -> t.HintTarget | None:
    named = targets_of(seen.rule.target, seen.rules)
    return named[0] if named else None


def _spend_hint(seen: _Seen) -> t.Hint | None:
    rule = seen.rule
    threshold = rule.threshold_amount
    if not threshold or threshold <= 0:
        return None
    target = _spend_target(seen)
    if target is None:
        return None
    if rule.repeats:
        if not rule.amount or seen.at_cap():
            return None
        before = seen.applied.before if seen.applied is not None else None
        spend = seen.spend(seen.offer.target_lines, state=before)
        if rule.max_applications is not None and spend_steps(rule, spend) >= rule.max_applications:
            return None
        steps = int(spend // threshold)
        missing = threshold * (steps + 1) - spend
        reward = t.HintReward(t.REWARD_AMOUNT, rule.amount, price=rule.amount, another=steps > 0)
        return seen.hint(t.SPEND_MORE, target, reward, amount=missing)
    if seen.applied is not None:
        return None
    spend = seen.spend(seen.offer.target_lines)
    if spend >= threshold:
        return None
    if rule.percent:
        percent = min(rule.percent, HUNDRED)
        reward = t.HintReward(
            t.REWARD_PERCENT, seen.money(threshold * percent / HUNDRED), percent=percent
        )
    elif rule.amount:
        reward = t.HintReward(t.REWARD_AMOUNT, min(rule.amount, threshold), price=rule.amount)
    else:
        return None
    return seen.hint(t.SPEND_MORE, target, reward, amount=threshold - spend)


def _gift_hint(seen: _Seen) -> t.Hint | None:
    rule, offer = seen.rule, seen.offer
    if seen.applied is not None or rule.gift_product_id is None:
        return None
    price = sellable_price(rule.gift_product_id, seen.context, seen.rules)
    gift = product_target(rule.gift_product_id, seen.rules)
    if price is None or gift is None:
        return None
    quantity = max(rule.gift_quantity, 1)
    reward = t.HintReward(t.REWARD_GIFT, seen.money(price * quantity), gift=gift, quantity=quantity)
    if rule.threshold_amount:
        skip = frozenset(offer.gift_lines) if offer.gift_in_target else frozenset()
        lines = [line for line in offer.target_lines if line not in skip]
        spend = seen.spend(lines, COUNTED)
        if spend < rule.threshold_amount:
            target = _spend_target(seen) or BASKET
            return seen.hint(t.SPEND_MORE, target, reward, amount=rule.threshold_amount - spend)
    if offer.gift_lines:
        return None
    return seen.hint(t.ADD_GIFT, gift, reward, quantity=quantity)


_BUILDERS: dict[str, Callable[[_Seen], t.Hint | None]] = {
    t.MULTIBUY: _group_hint,
    t.MIX_MATCH: _group_hint,
    t.BUNDLE: _bundle_hint,
    t.SPEND_THRESHOLD: _spend_hint,
    t.GIFT_WITH_PURCHASE: _gift_hint,
}

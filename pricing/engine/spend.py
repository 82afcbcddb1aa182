"""Spend-based kinds: spend threshold (basket level) and gift with purchase.

Spend threshold: the current amount (after line-level discounts) of the target
units the campaign may take under its stacking policy is its qualifying spend;
when it reaches ``threshold_amount`` those units get ``amount`` off (never more
than they cost) or ``percent`` off, spread over them by price.  A compound
threshold may take best-price units too; exclusively discounted units never
count.  It applies once per basket, after every line-level campaign.  With no
target of its own it takes the whole basket ("10 % off the basket").  With
``repeats`` it gives ``amount`` off per full ``threshold_amount`` of spend
("5.00 off per 30.00 spent"), at most ``max_applications`` steps, never more
than the spend; the steps are one application (they share the same units).

Gift with purchase: when the target units that count (all but exclusively
discounted ones, and not the gift units themselves) reach ``threshold_amount``
(or, without a threshold, when there is at least one), up to ``gift_quantity``
units of ``gift_product_id`` in the basket become free.  A gift that is not in
the basket becomes a hint instead (see ``hints``).
"""

from __future__ import annotations

from pricing.engine.units import (
    HUNDRED,
    ZERO,
    Application,
    Kind,
    Take,
    amount_of,
    most_valuable,
)
from retail.money import quantize


class SpendThreshold(Kind):
    """Spend ``threshold_amount`` on the target: get ``amount`` or ``percent`` off it."""

    basket_level = True
    wants_order = False
    spend_gated = True

    def applications(self, campaign, pool):
        units = pool.units
        spend = amount_of(units)
        if not self.within_reach(campaign, spend):
            return []
        steps = 1
        if campaign.repeats:
            steps = spend_steps(campaign, spend)
            if not steps or not campaign.amount:
                return []
            discount = min(campaign.amount * steps, spend)
        elif campaign.percent:
            discount = quantize(spend * min(campaign.percent, HUNDRED) / HUNDRED, pool.currency)
        elif campaign.amount:
            discount = min(campaign.amount, spend)
        else:
            return []
        if discount <= 0:
            return []
        takes = tuple(Take(u, u.count, u.price) for u in units)
        return [Application(takes, discount, steps=steps)]

    def within_reach(self, campaign, spend):
        """Whether ``spend`` reaches the threshold (and is anything at all)."""
        return spend > 0 and spend >= (campaign.threshold_amount or ZERO)


def spend_steps(campaign, spend) -> int:
    """Full ``threshold_amount`` steps in ``spend`` of a repeating threshold, capped."""
    threshold = campaign.threshold_amount
    if not threshold or threshold <= 0:
        return 0
    steps = int(spend // threshold)
    if campaign.max_applications is not None:
        steps = min(steps, campaign.max_applications)
    return max(steps, 0)


class GiftWithPurchase(Kind):
    """Spend ``threshold_amount`` on the target (or buy any of it): the gift is free."""

    wants_units = False
    wants_counted = True
    wants_gift = True

    def applications(self, campaign, pool):
        chosen = most_valuable(pool.gift_units, max(campaign.gift_quantity, 1))
        if not chosen:
            return []
        gift_amount = sum((unit.price * count for unit, count in chosen), ZERO)
        if gift_amount <= 0 or not self.qualifies(campaign, pool, chosen):
            return []
        takes = tuple(Take(unit, count, unit.price) for unit, count in chosen)
        return [Application(takes, gift_amount)]

    @staticmethod
    def qualifies(campaign, pool, chosen) -> bool:
        """Whether the counted target units (without the gift itself) meet the condition."""
        spend = amount_of(pool.counted)
        quantity = sum(u.count for u in pool.counted)
        if pool.gift_in_target:
            spend -= sum((unit.price * count for unit, count in chosen), ZERO)
            quantity -= sum(count for _unit, count in chosen)
        if campaign.threshold_amount:
            return spend >= campaign.threshold_amount
        return quantity >= 1

    def bound(self, campaign, pool, saving):
        # The gift's own units can fall out of the spend when others lock them,
        # so the spend is not monotone: bound by what the gift units cost now.
        chosen = most_valuable(pool.gift_units, max(campaign.gift_quantity, 1))
        return sum((unit.price * count for unit, count in chosen), ZERO)

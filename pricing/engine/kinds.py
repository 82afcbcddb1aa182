"""Campaign kinds: one small class per kind, picked from :data:`KINDS` by the kind string.

A kind looks at a :class:`~pricing.engine.units.Pool` (the units one campaign
may use now) and returns its best applications: which units each uses and the
discount.  It never decides stacking, ordering or rounding of allocations;
the engine does (see ``offers`` and ``search``).

Per-unit kinds live here; group kinds (multibuy, mix & match, bundle) in
``groups``; spend-based kinds (spend threshold, gift with purchase) in
``spend``.

``max_applications`` caps, per basket: units for per-unit kinds (the most
expensive units first), groups for group kinds, sets for bundles, steps for
a repeating spend threshold.  Any other spend threshold and a gift apply
once per basket (validation refuses a cap on them; the engine ignores one).

Each kind also gives :meth:`Kind.bound`: the most the campaign could still
save after other campaigns have run on the same units (they only take units
away and lower prices).  For most kinds that is simply what it saves now; the
search uses it to skip orders that cannot win.
"""

from __future__ import annotations

from pricing.engine import types as t
from pricing.engine.groups import Bundle, MixMatch, Multibuy
from pricing.engine.spend import GiftWithPurchase, SpendThreshold
from pricing.engine.units import HUNDRED, ZERO, Application, Kind, Take, most_valuable
from retail.money import quantize


class PercentOff(Kind):
    """``percent`` off each unit, rounded per unit: 10 % of 33.33 is 3.33, so each unit
    costs 30.00 (the campaign price a shelf label and ``/prices/`` show) and three cost
    90.00 whether they come as one line of 3 or as three lines of 1."""

    def applications(self, campaign, pool):
        percent = campaign.percent
        if not percent or percent <= 0:
            return []
        applications = []
        for unit, count in most_valuable(pool.units, campaign.max_applications):
            off = quantize(unit.price * percent / HUNDRED, pool.currency)
            if off > 0:
                # One use per unit, however many units share a line or a slot.
                applications.append(Application((Take(unit, 1, off),), off, count))
        return applications


class AmountOff(Kind):
    """``amount`` off each unit, never more than the unit's current price."""

    def applications(self, campaign, pool):
        amount = campaign.amount
        if not amount or amount <= 0:
            return []
        applications = []
        for unit, count in most_valuable(pool.units, campaign.max_applications):
            off = min(amount, unit.price)
            if off > 0:
                # One use per unit, however many units share a line or a slot.
                applications.append(Application((Take(unit, 1, off),), off, count))
        return applications


class FixedPrice(Kind):
    """Each unit for ``price``, where that is below its current price."""

    def applications(self, campaign, pool):
        price = campaign.price
        if price is None:
            return []
        price = max(price, ZERO)
        applications = []
        for unit, count in most_valuable(pool.units, campaign.max_applications):
            off = unit.price - price
            if off > 0:
                applications.append(Application((Take(unit, 1, off),), off, count))
        return applications


KINDS: dict[str, Kind] = {
    t.PERCENT_OFF: PercentOff(),
    t.AMOUNT_OFF: AmountOff(),
    t.FIXED_PRICE: FixedPrice(),
    t.MULTIBUY: Multibuy(),
    t.MIX_MATCH: MixMatch(),
    t.BUNDLE: Bundle(),
    t.SPEND_THRESHOLD: SpendThreshold(),
    t.GIFT_WITH_PURCHASE: GiftWithPurchase(),
}

"""Allocate a rounded discount over units in whole minor units (largest remainder).

An application's discount is first rounded half-up to the currency's minor
unit (by the caller, with ``retail.money.quantize``).  It is then split over
the units it used in proportion to their weights: each unit gets the whole
minor units of its exact share, and the minor units left over go one each to
the units with the largest remainders.  So every unit price stays a whole
number of minor units, the parts add up to the discount exactly, and no unit
gets more than its weight (hence never more than its price).

Ties between equal remainders go to the larger weight, then the higher price
and mode, then the lower product id, and only then the lower line: units that
tie up to the line are the same goods at the same price, so the same goods
get the same shares however they are split into lines or the lines ordered.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pricing.engine.units import Take


def minor(amount: Decimal, places: int) -> int:
    """``amount`` (already whole minor units) as an integer count of minor units."""
    return int(amount.scaleb(places))


def allocate(discount: int, takes: Sequence[Take], places: int) -> list[tuple[int, int, int]]:
    """Split ``discount`` minor units over the units of ``takes`` by weight.

    Returns, per take, ``(count_plus, count_base, base)``: ``count_plus`` of its
    units get ``base + 1`` minor units and ``count_base`` get ``base``.  Raises
    ``ValueError`` when the discount exceeds the total weight (a kind's bug:
    the result would put a unit below its share).
    """
    if len(takes) == 1:
        # One slot: equal shares, the remainder one minor unit each.
        count = takes[0].count
        if discount > minor(takes[0].weight, places) * count:
            raise ValueError("discount exceeds the weight of its units")
        base, extra = divmod(discount, count)
        return [(extra, count - extra, base)]
    weights = [minor(take.weight, places) for take in takes]
    total = sum(w * take.count for w, take in zip(weights, takes, strict=True))
    if discount > total:
        raise ValueError("discount exceeds the weight of its units")
    bases = []
    remainders = []
    left = discount
    for w, take in zip(weights, takes, strict=True):
        base, remainder = divmod(discount * w, total)
        bases.append(base)
        remainders.append(remainder)
        left -= base * take.count
    plus = [0] * len(takes)
    if left:
        keys = {
            i: (
                -remainder,
                -weights[i],
                -takes[i].unit.price,
                -takes[i].unit.mode,
                takes[i].unit.product_id,
                takes[i].unit.line,
            )
            for i, remainder in enumerate(remainders)
            if remainder
        }
        for i in sorted(keys, key=keys.__getitem__):
            plus[i] = min(takes[i].count, left)
            left -= plus[i]
            if not left:
                break
    return [(plus[i], take.count - plus[i], bases[i]) for i, take in enumerate(takes)]

"""What a campaign kind sees (a pool of units), what it answers (applications), its base.

Units, not objects per item
---------------------------
A line of quantity 500 is not 500 Python objects.  The engine keeps each line
as a few *slots*: ``count`` identical units of that line at one current price
and in one stacking mode.  A kind receives the slots it may use as
:class:`Unit` tuples and answers with :class:`Application` tuples that say how
many units of which slots each application takes, so a kind's work grows with
the number of distinct prices, not with quantities.

Stacking modes
--------------
Each unit remembers the strongest stacking policy already applied to it:

* ``UNDISCOUNTED``: nothing applied yet;
* ``COMPOUNDED``: only compound discounts applied;
* ``BEST_PRICED``: a best-price discount applied: no other line-level discount,
  but compound basket-level discounts (spend thresholds) still apply;
* ``EXCLUSIVE_LOCKED``: an exclusive discount applied: nothing else, and the
  unit no longer counts towards any threshold.

:data:`ELIGIBLE` says which modes a campaign may take (by its stacking policy
and level) and :data:`AFTER` which mode a unit is in after it took part.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from pricing.engine.types import BEST_PRICE, COMPOUND, EXCLUSIVE, CampaignRule

UNDISCOUNTED = 0
COMPOUNDED = 1
BEST_PRICED = 2
EXCLUSIVE_LOCKED = 3

HUNDRED = Decimal(100)
ZERO = Decimal(0)

# (stacking policy, basket level?) -> may a unit in mode 0..3 take part?
ELIGIBLE: dict[tuple[str, bool], tuple[bool, bool, bool, bool]] = {
    (EXCLUSIVE, False): (True, False, False, False),
    (EXCLUSIVE, True): (True, False, False, False),
    (BEST_PRICE, False): (True, False, False, False),
    (BEST_PRICE, True): (True, False, False, False),
    (COMPOUND, False): (True, True, False, False),
    (COMPOUND, True): (True, True, True, False),
}

# Modes that count towards a threshold: every mode but exclusively discounted.
COUNTED: tuple[bool, bool, bool, bool] = (True, True, True, False)

# stacking policy -> the mode of a unit (by its mode 0..3) after it took part
AFTER: dict[str, tuple[int, int, int, int]] = {
    EXCLUSIVE: (EXCLUSIVE_LOCKED,) * 4,
    BEST_PRICE: (BEST_PRICED,) * 4,
    COMPOUND: (COMPOUNDED, COMPOUNDED, BEST_PRICED, EXCLUSIVE_LOCKED),
}


class Unit(NamedTuple):
    """``count`` identical units of basket line ``line`` at ``price`` in stacking ``mode``.

    ``(line, slot)`` identifies the slot, so a kind can tell two slots with
    equal values apart (a bundle tracks what it has used by it).
    """

    price: Decimal
    mode: int
    line: int
    product_id: int
    count: int
    slot: int


class Take(NamedTuple):
    """``count`` units of ``unit``'s slot, each carrying ``weight`` of the discount.

    The application's discount is allocated over its units in proportion to
    their weights: a unit's price for "percent off", "3 for 100" or "3 for 2"
    (every unit of the group shares the deal, the "paid" ones too), its own
    saving for "amount off".  A weight never exceeds the unit's price, so no
    unit can go below zero.
    """

    unit: Unit
    count: int
    weight: Decimal


class Application(NamedTuple):
    """One use of a campaign: these units for ``discount`` off, repeated ``times``.

    ``discount`` may have more decimals than the currency (a percentage); the
    engine rounds it half-up to the minor unit before allocating it.
    ``times`` > 1 lets a kind say "the same group again" without listing it
    333 times for a line of 999.
    """

    takes: tuple[Take, ...]
    discount: Decimal
    times: int = 1
    # Uses the one discount stands for (a repeating spend threshold's steps on the
    # same units), counted in the campaign's total of applications.
    steps: int = 1


class Pool(NamedTuple):
    """The units of the basket one campaign may use now, most valuable first.

    ``units``: target units the campaign may take under its stacking policy.
    ``counted``: target units that count towards a gift's spend (all but
    exclusively discounted ones).  ``components``: a bundle's units per
    component.  ``gift_units``: units of a gift product it may make free;
    ``gift_in_target``: whether the gift product is itself a target product
    (then the gift does not count towards its own threshold).

    A named tuple rather than a dataclass: one is built per evaluation.
    """

    currency: str
    minor_unit: Decimal
    units: tuple[Unit, ...] = ()
    counted: tuple[Unit, ...] = ()
    components: tuple[tuple[Unit, ...], ...] = ()
    gift_units: tuple[Unit, ...] = ()
    gift_in_target: bool = False


def unit_order(unit: Unit) -> tuple:
    """Sort key, with ``reverse=True``: most expensive first; then already discounted ones;
    then by product; line order last.

    Taking already compounded units before undiscounted ones at the same price
    leaves the undiscounted ones for best-price and exclusive campaigns.  The
    product comes before the line, so units of different products are taken
    in the same order however the goods are split into lines or the lines
    ordered; units that differ only by line are the same goods at the same
    price, interchangeable, which keeps every result per product independent
    of how units happen to be grouped into lines and slots.  Line order needs
    no key: units are listed line by line and the sort is stable.
    """
    return (unit.price, unit.mode, -unit.product_id)


def amount_of(units: tuple[Unit, ...] | list[Unit]) -> Decimal:
    """The current amount of ``units`` (price times count, summed)."""
    return sum((u.price * u.count for u in units), ZERO)


def most_valuable(units: tuple[Unit, ...], limit: int | None) -> list[tuple[Unit, int]]:
    """The first ``limit`` units (all when ``None``) as (slot, count) pairs, in order."""
    if limit is None:
        return [(u, u.count) for u in units]
    chosen = []
    for u in units:
        if limit <= 0:
            break
        count = min(u.count, limit)
        chosen.append((u, count))
        limit -= count
    return chosen


class Kind:
    """Base of the kinds: what a kind declares and the default bound."""

    basket_level = False  # evaluated after every line-level campaign
    wants_units = True  # needs ``Pool.units``
    wants_order = True  # needs its units most valuable first (a threshold takes them all)
    spend_gated = False  # asks :meth:`within_reach` before its pool is built
    wants_counted = False  # needs ``Pool.counted``
    wants_components = False  # needs ``Pool.components``
    wants_gift = False  # needs ``Pool.gift_units``

    def applications(self, campaign: CampaignRule, pool: Pool) -> list[Application]:
        raise NotImplementedError

    def within_reach(self, campaign: CampaignRule, spend: Decimal) -> bool:
        """Whether units worth ``spend`` in all could give anything (``False``: surely not).

        Asked when ``spend_gated``: lets the engine skip building a pool for a
        spend threshold out of reach, which stays out of reach as prices fall.
        """
        return True

    def bound(self, campaign: CampaignRule, pool: Pool, saving: Decimal) -> Decimal:
        """Most this campaign can save once others have run on these units.

        The default holds for kinds whose saving never grows when units are
        taken away or get cheaper.
        """
        return saving

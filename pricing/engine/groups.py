"""Group kinds: multibuy, mix & match and bundle.

Groups are formed from units sorted most expensive first and cut into
consecutive groups.  For "cheapest free" deals that maximises the sum of the
free units (the classic: 3 for 2 over six different prices makes the 3rd and
6th most expensive free, not the two cheapest); for "N for a price" it puts
the most expensive units into the deal.  Leftover units (fewer than a group)
stay undiscounted.  A group that would not save anything ("3 for 100" when the
three cost 99.99) is not applied, and neither is any cheaper one after it.

All units of a group are used by the deal (they take the campaign's stacking
mode) and share its discount in proportion to their prices, the "paid" ones of
a "3 for 2" too: they cannot make a second group of another deal, and a
returned unit gives back its own share of the deal whatever line it came on.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from pricing.engine import types as t
from pricing.engine.units import (
    HUNDRED,
    ZERO,
    Application,
    Kind,
    Take,
    Unit,
)
from retail.money import quantize

Members = tuple[tuple[Unit, int], ...]
Deal = Callable[[Members], tuple[tuple[Take, ...], Decimal]]


def groups_of(units: tuple[Unit, ...] | list[Unit], size: int) -> list[tuple[Members, int]]:
    """Cut ``units`` (in their order) into consecutive groups of ``size``.

    Returns ``(members, times)`` pairs: ``members`` are (slot, count) pairs and
    ``times`` says how often that very group repeats (a slot of 9 equal units
    in groups of 3 is one group, three times).  An incomplete last group is
    dropped.
    """
    groups: list[tuple[Members, int]] = []
    current: list[tuple[Unit, int]] = []
    need = size
    for unit in units:
        left = unit.count
        if current:
            take = min(left, need)
            current.append((unit, take))
            need -= take
            left -= take
            if need == 0:
                groups.append((tuple(current), 1))
                current, need = [], size
        if left >= size:
            groups.append((((unit, size),), left // size))
            left %= size
        if left:
            current.append((unit, left))
            need -= left
    return groups


def cheapest_free(free: int) -> Deal:
    """The ``free`` cheapest units of a group are free: their price comes off the group,
    shared by every unit of the group in proportion to its price (a 3 for 2 of three
    30.00 units makes each 20.00, not two at 30.00 and one at 0.00)."""

    def deal(members: Members) -> tuple[tuple[Take, ...], Decimal]:
        discount = ZERO
        left = free
        for unit, count in reversed(members):
            gratis = min(count, left)
            left -= gratis
            discount += unit.price * gratis
        return _by_price(members), discount

    return deal


def for_price(price: Decimal) -> Deal:
    """The group costs ``price``: the difference is spread over its units by price."""

    def deal(members: Members) -> tuple[tuple[Take, ...], Decimal]:
        takes = _by_price(members)
        return takes, sum((unit.price * count for unit, count in members), ZERO) - price

    return deal


def cheapest_percent(percent: Decimal, currency: str) -> Deal:
    """The cheapest unit's price ``percent`` off, rounded per group, shared by the group."""

    def deal(members: Members) -> tuple[tuple[Take, ...], Decimal]:
        cheapest = members[-1][0]
        return _by_price(members), quantize(cheapest.price * percent / HUNDRED, currency)

    return deal


def _by_price(members: Members) -> tuple[Take, ...]:
    """Every unit of the group takes part, weighted by its price."""
    return tuple(Take(unit, count, unit.price) for unit, count in members)


def deal_applications(groups: list[tuple[Members, int]], deal: Deal) -> list[Application]:
    """Apply ``deal`` to each group in order, stopping at the first that saves nothing."""
    applications = []
    for members, times in groups:
        takes, discount = deal(members)
        if discount <= 0:
            break
        applications.append(Application(takes, discount, times))
    return applications


def capped(applications: list[Application], cap: int | None) -> list[Application]:
    """The first ``cap`` applications (counting repeats), all when ``cap`` is ``None``."""
    if cap is None:
        return applications
    kept = []
    for application in applications:
        if cap <= 0:
            break
        times = min(application.times, cap)
        kept.append(application._replace(times=times))
        cap -= times
    return kept


class Multibuy(Kind):
    """Buy ``buy_quantity`` of one product, pay ``pay_quantity`` (or pay ``price`` for them).

    Groups never mix products; with a cap the best groups of any product go first.
    """

    def applications(self, campaign, pool):
        size = campaign.buy_quantity
        if not size or size < 1:
            return []
        if campaign.pay_quantity is not None:
            if campaign.pay_quantity >= size:
                return []
            deal = cheapest_free(size - max(campaign.pay_quantity, 0))
        elif campaign.price is not None:
            deal = for_price(max(campaign.price, ZERO))
        else:
            return []
        by_product: dict[int, list[Unit]] = {}
        for unit in pool.units:
            by_product.setdefault(unit.product_id, []).append(unit)
        applications = []
        for units in by_product.values():
            applications += deal_applications(groups_of(units, size), deal)
        if campaign.max_applications is None:
            return applications
        applications.sort(key=lambda a: -a.discount)
        return capped(applications, campaign.max_applications)


class MixMatch(Kind):
    """Any ``buy_quantity`` units of the target together: for ``price``, cheapest free or
    cheapest ``percent`` off (``mix_benefit``; when blank, inferred from the parameters)."""

    def applications(self, campaign, pool):
        size = campaign.buy_quantity
        if not size or size < 1:
            return []
        deal = self._deal(campaign, size, pool.currency)
        if deal is None:
            return []
        groups = groups_of(pool.units, size)
        return capped(deal_applications(groups, deal), campaign.max_applications)

    @staticmethod
    def _deal(campaign: t.CampaignRule, size: int, currency: str) -> Deal | None:
        benefit = mix_benefit(campaign)
        if benefit == t.BENEFIT_FIXED_PRICE and campaign.price is not None:
            return for_price(max(campaign.price, ZERO))
        if benefit == t.BENEFIT_CHEAPEST_FREE:
            free = mix_free_count(campaign)
            return cheapest_free(free) if 0 < free <= size else None
        if benefit == t.BENEFIT_CHEAPEST_PERCENT and campaign.percent:
            return cheapest_percent(min(campaign.percent, HUNDRED), currency)
        return None


def mix_benefit(campaign: t.CampaignRule) -> str:
    """A mix & match campaign's benefit; when blank, inferred: a price, else a percent,
    else cheapest free."""
    if campaign.mix_benefit:
        return campaign.mix_benefit
    if campaign.price is not None:
        return t.BENEFIT_FIXED_PRICE
    return t.BENEFIT_CHEAPEST_PERCENT if campaign.percent else t.BENEFIT_CHEAPEST_FREE


def mix_free_count(campaign: t.CampaignRule) -> int:
    """Units free per group of a "cheapest free" mix & match: N - M, or one without M."""
    pay = campaign.pay_quantity
    return (campaign.buy_quantity or 0) - pay if pay is not None else 1


class Bundle(Kind):
    """Each complete set of the ``components`` (each its ``quantity`` of units) costs ``price``.

    Sets are built one after the other, each component taking its most
    expensive units still free; building stops at the first set that cannot be
    completed or would not save anything.  The campaign's own target only
    excludes (its exclusions apply to every component).
    """

    wants_units = False
    wants_components = True

    def applications(self, campaign, pool):
        price = campaign.price
        if price is None or not campaign.components:
            return []
        price = max(price, ZERO)
        used: dict[tuple[int, int], int] = {}
        left = campaign.max_applications
        applications = []
        while left is None or left > 0:
            members = self._one_set(campaign.components, pool.components, used)
            if members is None:
                break
            amount = sum((unit.price * count for unit, count in members.values()), ZERO)
            if amount <= price:
                break
            times = min((u.count - used.get(key, 0)) // n for key, (u, n) in members.items())
            if left is not None:
                times = min(times, left)
                left -= times
            for key, (_unit, count) in members.items():
                used[key] = used.get(key, 0) + count * times
            takes = tuple(Take(unit, count, unit.price) for unit, count in members.values())
            applications.append(Application(takes, amount - price, times))
        return applications

    @staticmethod
    def _one_set(
        components: tuple[t.Target, ...],
        units_by_component: tuple[tuple[Unit, ...], ...],
        used: dict[tuple[int, int], int],
    ) -> dict[tuple[int, int], tuple[Unit, int]] | None:
        members: dict[tuple[int, int], tuple[Unit, int]] = {}
        for component, units in zip(components, units_by_component, strict=True):
            need = component.quantity
            for unit in units:
                key = (unit.line, unit.slot)
                taken = members[key][1] if key in members else 0
                free = unit.count - used.get(key, 0) - taken
                if free <= 0:
                    continue
                count = min(free, need)
                members[key] = (unit, taken + count)
                need -= count
                if need == 0:
                    break
            if need:
                return None
        return members

    def bound(self, campaign, pool, saving):
        # Which units make a set can change when others take some, so the only
        # safe bound is what all candidate units cost now.
        if not pool.components or not all(pool.components):
            return ZERO
        seen = {(u.line, u.slot): u for units in pool.components for u in units}
        return sum((u.price * u.count for u in seen.values()), ZERO)

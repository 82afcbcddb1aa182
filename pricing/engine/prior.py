"""The EU Omnibus prior price: the lowest price applied in the 30 days before a reduction began.

Pure functions over a price history (no database).  A *reduction* is in
force while either

* a unit campaign (``percent_off``, ``amount_off``, ``fixed_price``; public:
  no customer groups, no coupon) makes one unit cheaper than the ordinary
  price, or
* the list price is lower than the list price in force just before it
  dropped (``reference``); lower steps after the first belong to the same
  reduction, which ends when the list price goes back up to or above its
  reference, or the product has no price.

Consecutive moments under either kind form one reduction: it starts where the
first of them starts, so a stepped reduction, or a campaign starting while a
list reduction runs, keeps the prior price of its first step.  The prior
price is the lowest *applied* price (the ordinary list price, or the lower
campaign unit price where one applied) in ``[start - 30 days, start)``, fixed
for the reduction's life.

Only what the history shows counts: a reduction whose start lies before the
``horizon`` the caller loaded has no known start and no prior price (a price
reduced for longer than the look-back is the ordinary price).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from pricing.engine.engine import price_basket
from pricing.engine.scope import valid_at
from pricing.engine.types import (
    AMOUNT_OFF,
    FIXED_PRICE,
    PERCENT_OFF,
    BasketLine,
    CampaignRule,
    PriceRule,
    PricingContext,
    ProductInfo,
    Rules,
)

PRIOR_WINDOW = timedelta(days=30)
# The campaign kinds whose price is a price of one unit, so a customer paid it for one unit.
UNIT_KINDS = frozenset({PERCENT_OFF, AMOUNT_OFF, FIXED_PRICE})

# (from, to, amount): the list price from ``from`` until ``to`` (exclusive); gaps: no price.
ListSegment = tuple[datetime, datetime, Decimal]


@dataclass(frozen=True, slots=True)
class Reduction:
    """A reduction from ``start`` until ``end`` (None: still running at the last moment seen)."""

    start: datetime
    end: datetime | None
    prior_price: Decimal | None


@dataclass(frozen=True, slots=True)
class _State:
    moment: datetime
    ordinary: Decimal | None
    applied: Decimal | None
    reduced: bool


def counts_for_prior_price(campaign: CampaignRule) -> bool:
    """Whether a campaign's price is a price applied to everyone for one unit."""
    return campaign.kind in UNIT_KINDS and not campaign.group_codes and not campaign.requires_coupon


def reductions(
    *,
    product: ProductInfo,
    list_code: str,
    list_prices: Sequence[ListSegment],
    campaigns: Sequence[CampaignRule],
    context: PricingContext,
    horizon: datetime,
) -> list[Reduction]:
    """Return the reductions of ``product`` up to ``context.at``, oldest first.

    ``list_prices`` is the public list's price as it was known at each moment,
    from at least ``horizon - 30 days`` and through ``context.at``;
    ``campaigns`` may hold any campaigns (those that do not count for a prior
    price, do not match the product or are not in scope are ignored);
    ``context`` is the public context (no customer, no groups).
    """
    own = [
        c
        for c in campaigns
        if counts_for_prior_price(c) and c.target.matches(product) and _in_scope(c, context)
    ]
    states = _states(product, list_code, list_prices, own, context)
    found: list[Reduction] = []
    index = 0
    while index < len(states):
        if not states[index].reduced:
            index += 1
            continue
        first = index
        while index < len(states) and states[index].reduced:
            index += 1
        start = states[first].moment
        end = states[index].moment if index < len(states) else None
        known = first > 0 and start >= horizon
        found.append(Reduction(start, end, _lowest_before(states, start) if known else None))
    return found


def prior_price_at(found: Sequence[Reduction], at: datetime) -> Decimal | None:
    """The prior price of the reduction in force at ``at``; None when none is."""
    for reduction in found:
        if reduction.start <= at and (reduction.end is None or at < reduction.end):
            return reduction.prior_price
    return None


def _in_scope(campaign: CampaignRule, context: PricingContext) -> bool:
    return (not campaign.channel_ids or context.channel_id in campaign.channel_ids) and (
        not campaign.store_ids or context.store_id in campaign.store_ids
    )


def _states(
    product: ProductInfo,
    list_code: str,
    list_prices: Sequence[ListSegment],
    campaigns: Sequence[CampaignRule],
    context: PricingContext,
) -> list[_State]:
    """The ordinary and applied price from every moment either can change, and whether it is a
    reduction."""
    at = context.at
    segments = sorted(s for s in list_prices if s[0] <= at)
    if not segments:
        return []
    first = segments[0][0]
    moments = {first}
    for seg_from, seg_to, _amount in segments:
        moments.update((seg_from, seg_to))
    for campaign in campaigns:
        moments.update(m for m in (campaign.valid_from, campaign.valid_to) if m is not None)
    states: list[_State] = []
    reference: Decimal | None = None
    before: Decimal | None = None
    for moment in sorted(m for m in moments if first <= m <= at):
        ordinary = next((a for f, t, a in segments if f <= moment < t), None)
        applied = _applied(product, list_code, ordinary, campaigns, replace(context, at=moment))
        if ordinary is None or (reference is not None and ordinary >= reference):
            reference = None
        elif reference is None and before is not None and ordinary < before:
            reference = before
        before = ordinary
        reduced = reference is not None or (applied is not None and applied < ordinary)
        if states and (states[-1].ordinary, states[-1].applied, states[-1].reduced) == (
            ordinary,
            applied,
            reduced,
        ):
            continue
        states.append(_State(moment, ordinary, applied, reduced))
    return states


def _applied(
    product: ProductInfo,
    list_code: str,
    ordinary: Decimal | None,
    campaigns: Sequence[CampaignRule],
    context: PricingContext,
) -> Decimal | None:
    """What one unit cost at ``context.at``: the ordinary price with the unit campaigns in force."""
    if ordinary is None:
        return None
    live = tuple(c for c in campaigns if valid_at(c.valid_from, c.valid_to, context.at))
    if not live:
        return ordinary
    price = PriceRule(
        price_list_code=list_code,
        priority=0,
        product_id=product.product_id,
        amount=ordinary,
        valid_from=context.at,
        valid_to=None,
    )
    basket = price_basket(
        lines=(BasketLine(line_id="0", product_id=product.product_id, quantity=1),),
        context=context,
        rules=Rules(products={product.product_id: product}, prices=(price,), campaigns=live),
    )
    return min(basket.lines[0].total, ordinary)


def _lowest_before(states: Sequence[_State], start: datetime) -> Decimal | None:
    """The lowest applied price in force at any moment of ``[start - 30 days, start)``."""
    since = start - PRIOR_WINDOW
    seen = [
        state.applied
        for index, state in enumerate(states)
        if state.moment < start
        and (index + 1 == len(states) or states[index + 1].moment > since)
        and state.applied is not None
    ]
    return min(seen) if seen else None

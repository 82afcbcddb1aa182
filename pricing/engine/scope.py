"""Which prices and campaigns are in force for a context, and the base price of a product.

The loader already fetches only rules in force, but the engine checks again,
so it is correct on any rules it is given (a hand-built test, an offline POS
snapshot priced at a later moment).

* In force at ``at``: ``valid_from <= at < valid_to`` (no ``valid_to``: open).
* Scope: an empty set means "all"; otherwise the context's channel (store)
  must be in the set, and the customer must be in at least one of the groups.
* Base price: among the product's price rules in force and in scope, the
  highest priority wins; at equal priority the lower amount; then the lower
  price list code, so the answer never depends on the order of the rules.
* A campaign is in force when it is valid and in scope, its currency is empty
  or the context's, and, if it requires a coupon, a coupon presented for it
  has unlocked it (``context.unlocked_campaign_ids``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pricing.engine.types import CampaignRule, PriceRule, PricingContext


def valid_at(valid_from: datetime, valid_to: datetime | None, at: datetime) -> bool:
    """Whether ``at`` falls in ``[valid_from, valid_to)``."""
    return valid_from <= at and (valid_to is None or at < valid_to)


def in_scope(
    channel_ids: frozenset[int],
    store_ids: frozenset[int],
    group_codes: frozenset[str],
    context: PricingContext,
) -> bool:
    """Whether the context's channel, store and customer groups fall in a rule's scope."""
    return (
        (not channel_ids or context.channel_id in channel_ids)
        and (not store_ids or context.store_id in store_ids)
        and (not group_codes or not group_codes.isdisjoint(context.group_codes))
    )


def price_applies(rule: PriceRule, context: PricingContext) -> bool:
    """Whether a price rule is in force and in scope for this context."""
    return valid_at(rule.valid_from, rule.valid_to, context.at) and in_scope(
        rule.channel_ids, rule.store_ids, rule.group_codes, context
    )


def best_base_price(
    *, product_id: int, context: PricingContext, prices: Iterable[PriceRule]
) -> PriceRule | None:
    """Return the price rule that sets ``product_id``'s base price now, or ``None``.

    Highest priority first, then the lower amount, then the lower list code.
    """
    best: PriceRule | None = None
    for rule in prices:
        if rule.product_id != product_id or not price_applies(rule, context):
            continue
        if best is None or (-rule.priority, rule.amount, rule.price_list_code) < (
            -best.priority,
            best.amount,
            best.price_list_code,
        ):
            best = rule
    return best


def campaign_in_force(rule: CampaignRule, context: PricingContext) -> bool:
    """Whether a campaign may apply to this context (time, scope, currency, coupon)."""
    return (
        valid_at(rule.valid_from, rule.valid_to, context.at)
        and (not rule.currency or rule.currency == context.currency)
        and in_scope(rule.channel_ids, rule.store_ids, rule.group_codes, context)
        and (not rule.requires_coupon or rule.campaign_id in context.unlocked_campaign_ids)
    )

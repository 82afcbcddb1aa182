"""Why a valid coupon gave nothing: a reason code and what a cashier needs to say it.

In this order, the first that holds:

1. its campaign is not in force here: not started, ended, another currency,
   another channel, another store, or only for customer groups the customer
   is not in (the loader loads a presented coupon's campaign whatever its
   scope, so this can be told);
2. nothing in the basket is part of the offer (``targets`` name what is);
3. the basket is short of it: ``spend_short`` or ``quantity_short``, with
   the campaign's hint (how much more, on what);
4. another campaign took its items (``better_offer_applies``, ``by`` names it):
   a better or exclusive one;
5. otherwise ``not_applicable``.
"""

from __future__ import annotations

from collections.abc import Mapping

from pricing.engine import types as t
from pricing.engine.naming import targets_of
from pricing.engine.offers import Offer
from pricing.engine.scope import valid_at
from pricing.engine.search import Applied


def coupons_report(
    *,
    context: t.PricingContext,
    rules: t.Rules,
    offers: list[Offer],
    applied: list[Applied],
    hints: Mapping[Offer, t.Hint],
) -> tuple[t.CouponResult, ...]:
    """One result per presented coupon code, in the order presented."""
    applied_ids = {item.offer.rule.campaign_id for item in applied}
    by_id = {rule.campaign_id: rule for rule in rules.campaigns}
    offer_of = {offer.rule.campaign_id: offer for offer in offers}
    results = []
    for code, campaign_id in context.coupon_campaigns:
        if campaign_id in applied_ids:
            results.append(t.CouponResult(code=code, applied=True))
            continue
        rule = by_id.get(campaign_id)
        offer = offer_of.get(campaign_id)
        results.append(_why_not(code, rule, offer, context, rules, applied, hints))
    return tuple(results)


def _why_not(code, rule, offer, context, rules, applied, hints) -> t.CouponResult:
    if rule is None:
        return t.CouponResult(code=code, applied=False, reason=t.COUPON_NO_ITEMS)
    scope = _out_of_scope(rule, context)
    if scope:
        return t.CouponResult(
            code=code,
            applied=False,
            reason=scope,
            valid_from=rule.valid_from,
            valid_to=rule.valid_to,
        )
    if offer is None:
        targets = targets_of(rule.target, rules)
        for component in rule.components:
            targets += targets_of(component, rules)
        return t.CouponResult(code=code, applied=False, reason=t.COUPON_NO_ITEMS, targets=targets)
    hint = hints.get(offer)
    if hint is not None:
        reason = t.COUPON_SPEND_SHORT if hint.kind == t.SPEND_MORE else t.COUPON_QUANTITY_SHORT
        return t.CouponResult(code=code, applied=False, reason=reason, hint=hint)
    lines = frozenset(offer.lines)
    by = tuple(
        dict.fromkeys(
            item.offer.rule.code for item in applied if not lines.isdisjoint(item.by_line)
        )
    )
    if by:
        return t.CouponResult(code=code, applied=False, reason=t.COUPON_BETTER_OFFER, by=by)
    return t.CouponResult(code=code, applied=False, reason=t.COUPON_NOT_APPLICABLE)


def _out_of_scope(rule: t.CampaignRule, context: t.PricingContext) -> str:
    """The first reason the campaign is not in force for this context, or ""."""
    if not valid_at(rule.valid_from, rule.valid_to, context.at):
        return t.COUPON_NOT_STARTED if context.at < rule.valid_from else t.COUPON_ENDED
    if rule.currency and rule.currency != context.currency:
        return t.COUPON_OTHER_CURRENCY
    if rule.channel_ids and context.channel_id not in rule.channel_ids:
        return t.COUPON_OTHER_CHANNEL
    if rule.store_ids and context.store_id not in rule.store_ids:
        return t.COUPON_OTHER_STORE
    if rule.group_codes and rule.group_codes.isdisjoint(context.group_codes):
        return t.COUPON_CUSTOMER_GROUP
    return ""

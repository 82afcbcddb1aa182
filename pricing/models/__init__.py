"""Pricing owns what things cost: price lists, campaigns, coupon codes and price history.

Imports ``retail`` only; never ``inventory``, ``loyalty`` or ``orders``.
Every write goes through ``pricing.services``; the engine (``pricing.engine``)
never imports these models: ``pricing.loader`` turns rows into its dataclasses.
"""

from pricing.models.campaigns import (
    Campaign,
    CampaignKind,
    CampaignTarget,
    MixBenefit,
    StackingPolicy,
)
from pricing.models.coupons import CouponBatch, CouponCode, CouponRedemption, RulesRevision
from pricing.models.prices import PriceChange, PriceList, PriceListEntry, ProductSet

__all__ = [
    "Campaign",
    "CampaignKind",
    "CampaignTarget",
    "CouponBatch",
    "CouponCode",
    "CouponRedemption",
    "MixBenefit",
    "PriceChange",
    "PriceList",
    "PriceListEntry",
    "ProductSet",
    "RulesRevision",
    "StackingPolicy",
]

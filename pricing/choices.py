"""Pricing's choices for code outside pricing, so that it need not import ``pricing.models``.

The classes are defined with the models (``Campaign.Status`` stays an inner
class there); this module only names them.  ``CampaignStatus`` is
``Campaign.Status``.
"""

from pricing.models import Campaign, CampaignKind, MixBenefit, StackingPolicy

CampaignStatus = Campaign.Status

__all__ = ["CampaignKind", "CampaignStatus", "MixBenefit", "StackingPolicy"]

"""The rules a presented coupon code must pass, shared by pricing a basket and redeeming.

Pure checks on rows already loaded: ``pricing.loader.context_build`` runs them
for every code of a basket, ``pricing.services.coupons.coupon_redeem`` runs
them again under the coupon's row lock before counting a use.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pricing.errors import (
    CouponCustomerLimitError,
    CouponExpiredError,
    CouponNotForCustomerError,
    CouponNotYetValidError,
    CouponUsedUpError,
)
from pricing.models import Campaign


class CampaignLike(Protocol):
    status: str
    valid_from: datetime
    valid_to: datetime | None


class CouponLike(Protocol):
    """What the checks read: a ``CouponCode`` with its campaign, or the loader's plain row."""

    code: str
    campaign: CampaignLike
    is_active: bool
    valid_from: datetime | None
    valid_to: datetime | None
    customer_id: int | None
    max_uses: int | None
    uses: int
    max_uses_per_customer: int | None


def coupon_code_normalise(code: str) -> str:
    """Return ``code`` as stored: without surrounding blanks, upper case."""
    return str(code).strip().upper()


def coupon_check(
    *,
    coupon: CouponLike,
    customer_id: int | None,
    customer_uses: int,
    at: datetime,
    field: str | None = None,
) -> None:
    """Raise the first reason why ``coupon`` cannot be used by this customer at ``at``.

    ``coupon`` is a ``CouponCode`` with its campaign loaded, or any object with
    the same fields (``CouponLike``); ``customer_uses`` counts the customer's
    unreleased redemptions of this code.  A guest (``customer_id`` None) cannot
    use a personal code, and a per-customer limit cannot be applied to a guest.
    Raises ``CouponExpiredError`` (inactive code or campaign, or past its or its
    campaign's end), ``CouponNotYetValidError``, ``CouponNotForCustomerError``,
    ``CouponUsedUpError`` or ``CouponCustomerLimitError``; each names ``field``
    and carries the code in ``extra``.
    """
    campaign = coupon.campaign
    extra = {"code": coupon.code}
    if not coupon.is_active or campaign.status != Campaign.Status.ACTIVE:
        raise CouponExpiredError(field=field, extra=extra)
    starts = [moment for moment in (coupon.valid_from, campaign.valid_from) if moment]
    if starts and max(starts) > at:
        raise CouponNotYetValidError(field=field, extra=extra)
    ends = [moment for moment in (coupon.valid_to, campaign.valid_to) if moment]
    if ends and min(ends) <= at:
        raise CouponExpiredError(field=field, extra=extra)
    if coupon.customer_id is not None and coupon.customer_id != customer_id:
        raise CouponNotForCustomerError(field=field, extra=extra)
    if coupon.max_uses is not None and coupon.uses >= coupon.max_uses:
        raise CouponUsedUpError(field=field, extra=extra)
    if (
        coupon.max_uses_per_customer is not None
        and customer_id is not None
        and customer_uses >= coupon.max_uses_per_customer
    ):
        raise CouponCustomerLimitError(field=field, extra=extra)

"""Build the pricing context: who buys where and when, and which campaigns coupons unlock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from pricing.coupon_checks import coupon_check, coupon_code_normalise
from pricing.engine.types import PricingContext
from pricing.errors import CouponNotFoundError
from pricing.models import CouponCode, CouponRedemption
from retail.models import Channel, Customer, Store
from retail.selectors import customer_group_codes


def context_build(
    *,
    channel: Channel,
    store: Store | None = None,
    customer: Customer | None = None,
    coupon_codes: Sequence[str] = (),
    at: datetime | None = None,
    language: str | None = None,
) -> PricingContext:
    """Return who buys where and when, with the campaigns the presented coupons unlock.

    Currency and (unless given) language come from the channel; group codes
    from the customer's memberships at ``at``.  Each code is normalised (strip,
    upper case); a code given twice counts once.  Two queries at most.  Raises,
    naming ``coupons.<i>``: ``CouponNotFoundError``, ``CouponExpiredError``,
    ``CouponNotYetValidError``, ``CouponUsedUpError``,
    ``CouponNotForCustomerError`` or ``CouponCustomerLimitError``.
    """
    at = at or timezone.now()
    customer_id = customer.pk if customer is not None else None
    coupon_campaigns = _coupons_validate(codes=coupon_codes, customer_id=customer_id, at=at)
    return PricingContext(
        at=at,
        currency=channel.currency,
        language=language or channel.language,
        channel_id=channel.pk,
        store_id=store.pk if store is not None else None,
        customer_id=customer_id,
        group_codes=(
            customer_group_codes(customer=customer, at=at) if customer is not None else frozenset()
        ),
        unlocked_campaign_ids=frozenset(campaign_id for _, campaign_id in coupon_campaigns),
        coupon_campaigns=coupon_campaigns,
    )


def _coupons_validate(
    *, codes: Sequence[str], customer_id: int | None, at: datetime
) -> tuple[tuple[str, int], ...]:
    """Check every presented code in one query; return (code, campaign id) pairs."""
    normalised = [coupon_code_normalise(code) for code in codes]
    if not normalised:
        return ()
    uses = Value(0)
    if customer_id is not None:
        uses = Coalesce(
            Subquery(
                CouponRedemption.objects.filter(
                    coupon_id=OuterRef("pk"), customer_id=customer_id, released_at__isnull=True
                )
                .values("coupon_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )
    found = {
        coupon.code: coupon
        for coupon in CouponCode.objects.select_related("campaign")
        .filter(code__in=set(normalised))
        .annotate(customer_uses=uses)
    }
    pairs: dict[str, int] = {}
    for index, code in enumerate(normalised):
        coupon = found.get(code)
        if coupon is None:
            raise CouponNotFoundError(field=f"coupons.{index}", extra={"code": code})
        coupon_check(
            coupon=coupon,
            customer_id=customer_id,
            customer_uses=coupon.customer_uses,
            at=at,
            field=f"coupons.{index}",
        )
        pairs.setdefault(code, coupon.campaign_id)
    return tuple(pairs.items())

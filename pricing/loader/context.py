"""Build the pricing context: who buys where and when, and which campaigns coupons unlock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from pricing.coupon_checks import coupon_check, coupon_code_normalise
from pricing.engine.types import PricingContext
from pricing.errors import CouponNotFoundError
from pricing.loader.sql import at_param, in_list, list_param, statement, to_datetime
from retail.db_router import read_connection
from retail.models import Channel, Customer, Store


@dataclass(frozen=True, slots=True)
class _CampaignFacts:
    status: str
    valid_from: datetime
    valid_to: datetime | None


@dataclass(frozen=True, slots=True)
class _CouponFacts:
    """What ``coupon_check`` reads of a coupon code and its campaign."""

    code: str
    campaign_id: int
    campaign: _CampaignFacts
    is_active: bool
    valid_from: datetime | None
    valid_to: datetime | None
    customer_id: int | None
    max_uses: int | None
    uses: int
    max_uses_per_customer: int | None


def _context_sql(vendor: str) -> str:
    # Group memberships and presented coupons, tagged rows of one statement.
    return (
        "SELECT 'g', g.code, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "  # noqa: S608
        "NULL FROM retail_customergroupmembership m "
        "JOIN retail_customergroup g ON g.id = m.group_id WHERE m.customer_id = %s "
        "AND (m.valid_from IS NULL OR m.valid_from <= %s) "
        "AND (m.valid_to IS NULL OR m.valid_to > %s) "
        "UNION ALL SELECT 'c', k.code, k.campaign_id, k.is_active, k.valid_from, k.valid_to, "
        "k.customer_id, k.max_uses, k.uses, k.max_uses_per_customer, c.status, c.valid_from, "
        "c.valid_to, (SELECT COUNT(*) FROM pricing_couponredemption r WHERE r.coupon_id = k.id "
        "AND r.customer_id = %s AND r.released_at IS NULL) "
        "FROM pricing_couponcode k JOIN pricing_campaign c ON c.id = k.campaign_id "
        f"WHERE {in_list(vendor, 'k.code', 'text')}"
    )


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
    upper case); a code given twice counts once.  One query at most (none for
    a guest without coupons).  Raises, naming ``coupons.<i>``:
    ``CouponNotFoundError``, ``CouponExpiredError``,
    ``CouponNotYetValidError``, ``CouponUsedUpError``,
    ``CouponNotForCustomerError`` or ``CouponCustomerLimitError``.
    """
    at = at or timezone.now()
    customer_id = customer.pk if customer is not None else None
    normalised = [coupon_code_normalise(code) for code in coupon_codes]
    group_codes: set[str] = set()
    found: dict[str, tuple[_CouponFacts, int]] = {}
    if customer_id is not None or normalised:
        moment = at_param(at)
        with read_connection().cursor() as cursor:
            cursor.execute(
                statement("context", _context_sql),
                [customer_id, moment, moment, customer_id, list_param(set(normalised))],
            )
            rows = cursor.fetchall()
        for row in rows:
            if row[0] == "g":
                group_codes.add(row[1])
            else:
                found[row[1]] = _coupon_facts(row)
    pairs: dict[str, int] = {}
    for index, code in enumerate(normalised):
        if code not in found:
            raise CouponNotFoundError(field=f"coupons.{index}", extra={"code": code})
        coupon, customer_uses = found[code]
        coupon_check(
            coupon=coupon,
            customer_id=customer_id,
            customer_uses=customer_uses,
            at=at,
            field=f"coupons.{index}",
        )
        pairs.setdefault(code, coupon.campaign_id)
    coupon_campaigns = tuple(pairs.items())
    return PricingContext(
        at=at,
        currency=channel.currency,
        language=language or channel.language,
        channel_id=channel.pk,
        store_id=store.pk if store is not None else None,
        customer_id=customer_id,
        group_codes=frozenset(group_codes),
        unlocked_campaign_ids=frozenset(campaign_id for _, campaign_id in coupon_campaigns),
        coupon_campaigns=coupon_campaigns,
    )


def _coupon_facts(row: Sequence) -> tuple[_CouponFacts, int]:
    (
        _,
        code,
        campaign_id,
        is_active,
        valid_from,
        valid_to,
        customer_id,
        max_uses,
        uses,
        max_per_customer,
        status,
        campaign_from,
        campaign_to,
        customer_uses,
    ) = row
    coupon = _CouponFacts(
        code=code,
        campaign_id=campaign_id,
        campaign=_CampaignFacts(
            status=status,
            valid_from=to_datetime(campaign_from),
            valid_to=to_datetime(campaign_to),
        ),
        is_active=bool(is_active),
        valid_from=to_datetime(valid_from),
        valid_to=to_datetime(valid_to),
        customer_id=customer_id,
        max_uses=max_uses,
        uses=uses,
        max_uses_per_customer=max_per_customer,
    )
    return coupon, customer_uses or 0

"""Tiers from rolling 12-month spend, kept in step with the customer's groups."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from loyalty.models import Membership, PointsEntry, Tier
from retail import locking
from retail.models.customers import CustomerGroupMembership

ROLLING_WINDOW = timedelta(days=365)


def membership_spend(*, membership: Membership, currency: str, at: datetime) -> Decimal:
    """Return the spend of purchases less returns in ``currency`` within [at - 365 days, at]."""
    total = PointsEntry.objects.filter(
        membership=membership,
        kind__in=(PointsEntry.Kind.EARN, PointsEntry.Kind.EARN_REVERSAL),
        currency=currency,
        at__gte=at - ROLLING_WINDOW,
        at__lte=at,
    ).aggregate(total=Sum("spend_amount"))["total"]
    return total or Decimal("0")


def tier_recompute(*, membership: Membership, at: datetime | None = None) -> Tier | None:
    """Set the highest tier whose ``min_spend_amount`` the rolling spend reaches; return it.

    Spend is compared in each tier's own currency.  On a change the old tier's
    group is removed from the customer and the new one added, so
    ``retail.selectors.customer_group_codes`` (and pricing) see it at once.
    """
    at = at or timezone.now()
    with locking.atomic():
        (member,) = locking.rows_lock(Membership.objects.filter(pk=membership.pk))
        spend_by_currency: dict[str, Decimal] = {}
        new_tier = None
        for tier in Tier.objects.order_by("-rank"):
            if tier.currency not in spend_by_currency:
                spend_by_currency[tier.currency] = membership_spend(
                    membership=member, currency=tier.currency, at=at
                )
            if spend_by_currency[tier.currency] >= tier.min_spend_amount:
                new_tier = tier
                break
        changed = member.tier_id != (new_tier.pk if new_tier else None)
        if changed:
            other_groups = Tier.objects.values_list("group_id", flat=True)
            if new_tier is not None:
                other_groups = other_groups.exclude(pk=new_tier.pk)
            CustomerGroupMembership.objects.filter(
                customer_id=member.customer_id, group_id__in=list(other_groups)
            ).delete()
            if new_tier is not None:
                CustomerGroupMembership.objects.get_or_create(
                    customer_id=member.customer_id, group_id=new_tier.group_id
                )
        Membership.objects.filter(pk=member.pk).update(tier=new_tier, tier_computed_at=at)
    membership.tier = new_tier
    membership.tier_computed_at = at
    return new_tier


def tiers_recompute_all(*, at: datetime | None = None) -> int:
    """Recompute the tier of every active membership (nightly); return how many changed."""
    at = at or timezone.now()
    changed = 0
    ids = Membership.objects.filter(status=Membership.Status.ACTIVE).order_by("pk")
    for member in ids.iterator():
        before = member.tier_id
        after = tier_recompute(membership=member, at=at)
        changed += before != (after.pk if after else None)
    return changed

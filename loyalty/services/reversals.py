"""Points given back or taken back when a purchase is cancelled, short-picked or returned.

A burn reversal returns (part of) the points a customer paid with as a new
credit.  An earn reversal takes back (part of) the points a purchase earned,
and posts the returned spend negatively, so the rolling 12-month spend that
sets the tier drops with the return.  Each reversal names its original entry
in ``reason`` (``burn:<key>`` / ``earn:<key>``); the sum of earlier reversals
bounds the next one, so retries and many partial returns never give or take
more than the original entry.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from loyalty.models import Membership, PointsEntry
from loyalty.services.points import (
    InvalidPointsError,
    _credit,
    _debit,
    _existing,
    _lock_membership,
)
from retail import locking
from retail.ledger import post_once
from retail.money import quantize


def _reversed_so_far(*, kind: str, reason: str) -> int:
    total = PointsEntry.objects.filter(kind=kind, reason=reason).aggregate(t=Sum("points"))["t"]
    return abs(total or 0)


def points_burn_reverse(
    *,
    burn_source_key: str,
    source_key: str,
    points: int | None = None,
    at: datetime | None = None,
) -> PointsEntry:
    """Give back ``points`` (default: all not yet given back) of a burn as a new credit.

    The returned points get a fresh expiry (``at`` + TTL).  Idempotent on
    ``source_key``.  Locks the membership row, then re-reads earlier
    reversals, so concurrent partial reversals never exceed the burn.
    Raises ``PointsEntry.DoesNotExist`` when no burn has ``burn_source_key``
    and ``InvalidPointsError`` when nothing (or less than asked) is left.
    """
    at = at or timezone.now()
    burn = PointsEntry.objects.get(source_key=burn_source_key, kind=PointsEntry.Kind.BURN)
    kind = PointsEntry.Kind.BURN_REVERSAL
    reason = f"burn:{burn_source_key}"
    find = partial(_existing, source_key, membership_id=burn.membership_id, kind=kind)

    def run():
        _lock_membership(burn.membership_id)
        if (existing := find()) is not None:
            return existing
        left = -burn.points - _reversed_so_far(kind=kind, reason=reason)
        wanted = left if points is None else points
        if wanted <= 0 or wanted > left:
            raise InvalidPointsError(
                gettext("More points than the burn has left to give back."), extra={"left": left}
            )
        return _credit(
            membership_id=burn.membership_id,
            kind=kind,
            points=wanted,
            source_key=source_key,
            at=at,
            currency=burn.currency,
            reference=burn.reference,
            reason=reason,
            channel=burn.channel,
        )

    if (existing := find()) is not None:
        return existing
    return post_once(post=run, find=find)


def points_earn_reverse(
    *,
    earn_source_key: str,
    spend_amount: Decimal,
    source_key: str,
    at: datetime | None = None,
) -> PointsEntry | None:
    """Take back the points earned on ``spend_amount`` of a purchase that came back.

    Takes ``earn.points x spend_amount / earn.spend_amount`` (half-up) points,
    bounded by what earlier reversals left and by the current balance (points
    already spent are not clawed below zero), and lowers the tier spend by
    ``spend_amount``; then recomputes the tier.  Returns the entry, or
    ``None`` when the purchase earned nothing (no EARN entry under
    ``earn_source_key``).  Idempotent on ``source_key``.
    """
    from loyalty.services.tiers import tier_recompute

    at = at or timezone.now()
    earn = PointsEntry.objects.filter(
        source_key=earn_source_key, kind=PointsEntry.Kind.EARN
    ).first()
    if earn is None:
        return None
    kind = PointsEntry.Kind.EARN_REVERSAL
    reason = f"earn:{earn_source_key}"
    find = partial(_existing, source_key, membership_id=earn.membership_id, kind=kind)
    if (existing := find()) is not None:
        return existing
    spend = quantize(min(Decimal(spend_amount), earn.spend_amount), earn.currency)
    if spend <= 0:
        raise InvalidPointsError(gettext("Nothing to reverse."))

    def run():
        member = _lock_membership(earn.membership_id)
        if (again := find()) is not None:
            return again
        share = (Decimal(earn.points) * spend / earn.spend_amount).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        left = earn.points - _reversed_so_far(kind=kind, reason=reason)
        take = max(0, min(int(share), left, member.points_balance))
        fields = dict(
            currency=earn.currency,
            reference=earn.reference,
            reason=reason,
            channel=earn.channel,
            spend_amount=-spend,
        )
        if take:
            entry = _debit(
                membership_id=earn.membership_id,
                kind=kind,
                points=take,
                source_key=source_key,
                at=at,
                **fields,
            )
        else:
            # Nothing left to take back, but the spend still leaves the tier's sum:
            # a zero-point entry is not allowed, so record it as a 0-balance move.
            entry = PointsEntry.objects.create(
                membership_id=earn.membership_id,
                kind=kind,
                points=0,
                remaining=0,
                balance_after=member.points_balance,
                source_key=source_key,
                at=at,
                **fields,
            )
        tier_recompute(membership=Membership.objects.get(pk=earn.membership_id), at=at)
        return entry

    with locking.atomic():
        return post_once(post=run, find=find)

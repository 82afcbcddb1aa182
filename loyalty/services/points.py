"""Points ledger: earn, burn, adjust, expire, and the book check (reversals: ``reversals.py``).

Every change to ``Membership.points_balance`` is written together with one
append-only ``PointsEntry`` whose ``source_key`` is unique, so a retried task
or a re-sent POS receipt posts once.  Credits (earn, bonus, burn reversal,
positive adjustment) carry ``remaining``; debits consume ``remaining`` of the
oldest credits first, so ``sum(remaining) == points_balance`` always holds.

Locking order is always: the membership row first, then its credit entries
in primary-key order, so burns, earns and the expiry sweep never deadlock.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from functools import partial

from django.db import connection
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from loyalty import conf
from loyalty.errors import InsufficientPointsError, SourceKeyReusedError
from loyalty.models import Membership, PointsEntry
from retail import locking
from retail.errors import DomainError
from retail.ledger import post_once
from retail.money import quantize

CREDIT_KINDS = (
    PointsEntry.Kind.EARN,
    PointsEntry.Kind.BONUS,
    PointsEntry.Kind.BURN_REVERSAL,
    PointsEntry.Kind.ADJUST,
)


class AdjustmentReasonRequiredError(DomainError):
    code = "adjustment_reason_required"
    default_message = _("A points adjustment needs a reason.")


class InvalidPointsError(DomainError):
    code = "invalid_points"
    default_message = _("The number of points must be a positive whole number.")


def _ttl() -> timedelta:
    return conf.points_ttl()


def _rate(currency: str) -> Decimal:
    return conf.points_per_unit(currency)


def _point_value(currency: str) -> Decimal:
    return conf.point_value(currency)


def points_value(points: int, currency: str) -> Decimal:
    """Return the money ``points`` are worth in ``currency`` (rounded half-up to the cent)."""
    return quantize(Decimal(points) * _point_value(currency), currency)


def points_for_amount(amount: Decimal, currency: str) -> int:
    """Return the fewest whole points whose value covers ``amount`` in ``currency``.

    Partial points are allowed as tender, so a price that is not a multiple of
    the point value rounds the points *up*: the member never pays less than
    the amount in points-money (e.g. DKK 0.05/point, amount 1.02 -> 21 points).
    """
    return math.ceil(Decimal(amount) / _point_value(currency))


def points_earned_for(spend_amount: Decimal, currency: str, multiplier: Decimal = 1) -> int:
    """Return floor(spend x points per unit x multiplier) for a purchase."""
    raw = Decimal(spend_amount) * _rate(currency) * Decimal(str(multiplier))
    return int(raw.to_integral_value(rounding=ROUND_FLOOR))


def _existing(source_key: str, *, membership_id: int, kind: str) -> PointsEntry | None:
    entry = PointsEntry.objects.filter(source_key=source_key).first()
    if entry is not None and (entry.membership_id != membership_id or entry.kind != kind):
        raise SourceKeyReusedError(extra={"source_key": source_key})
    return entry


def _lock_membership(membership_id: int) -> Membership:
    (member,) = locking.rows_lock(Membership.objects.filter(pk=membership_id))
    return member


def _credit(
    *,
    membership_id: int,
    kind: str,
    points: int,
    source_key: str,
    at: datetime,
    **fields,
) -> PointsEntry:
    """Add a credit entry; locks the membership row.  Call inside a transaction."""
    member = _lock_membership(membership_id)
    # Re-check after the lock: a concurrent re-send of the same key waits here.
    existing = _existing(source_key, membership_id=membership_id, kind=kind)
    if existing is not None:
        return existing
    Membership.objects.filter(pk=member.pk).update(points_balance=F("points_balance") + points)
    return PointsEntry.objects.create(
        membership_id=membership_id,
        kind=kind,
        points=points,
        remaining=points,
        balance_after=member.points_balance + points,
        source_key=source_key,
        at=at,
        expires_at=at + _ttl(),
        **fields,
    )


def _debit(
    *, membership_id: int, kind: str, points: int, source_key: str, at: datetime, **fields
) -> PointsEntry:
    """Take ``points`` off the balance and the oldest credits.  Call inside a transaction.

    One conditional UPDATE (``points_balance >= points``) decides, and also takes
    the membership row lock; raises ``InsufficientPointsError`` when it matches nothing.
    """
    locking.rows_taken(Membership, [membership_id])
    updated = Membership.objects.filter(pk=membership_id, points_balance__gte=points).update(
        points_balance=F("points_balance") - points
    )
    if updated != 1:
        raise InsufficientPointsError(extra={"points": points})
    balance_after = Membership.objects.values_list("points_balance", flat=True).get(
        pk=membership_id
    )
    _consume_oldest(membership_id=membership_id, points=points)
    return PointsEntry.objects.create(
        membership_id=membership_id,
        kind=kind,
        points=-points,
        remaining=0,
        balance_after=balance_after,
        source_key=source_key,
        at=at,
        **fields,
    )


def _consume_oldest(*, membership_id: int, points: int) -> None:
    credits = locking.rows_lock(
        PointsEntry.objects.filter(membership_id=membership_id, remaining__gt=0)
    )
    credits.sort(key=lambda e: (e.at, e.pk))
    left = points
    for entry in credits:
        if left == 0:
            break
        take = min(left, entry.remaining)
        entry.remaining -= take
        left -= take
        entry.save(update_fields=["remaining"])
    if left:  # the book is broken; never silently let the balance drift
        raise InsufficientPointsError(gettext("Unspent credits do not cover the balance."))


def points_earn(
    *,
    membership: Membership,
    spend_amount: Decimal,
    currency: str,
    source_key: str,
    multiplier: Decimal = Decimal(1),
    reference: str = "",
    channel=None,
    at: datetime | None = None,
) -> PointsEntry:
    """Earn floor(spend x rate x multiplier) points on a purchase, then recompute the tier.

    Idempotent on ``source_key``: a re-sent receipt returns the first entry and
    earns nothing more.  The entry expires ``LOYALTY_POINTS_TTL_DAYS`` after ``at``.
    A purchase that earns no whole point raises ``InvalidPointsError`` (the
    ledger has no zero entries).  Locks the membership row.  Raises
    ``SourceKeyReusedError``.
    """
    from loyalty.services.tiers import tier_recompute

    at = at or timezone.now()
    points = points_earned_for(spend_amount, currency, multiplier)
    find = partial(_existing, source_key, membership_id=membership.pk, kind=PointsEntry.Kind.EARN)
    if (existing := find()) is not None:
        return existing
    if points <= 0:
        raise InvalidPointsError(gettext("This purchase earns no points."))

    def run():
        entry = _credit(
            membership_id=membership.pk,
            kind=PointsEntry.Kind.EARN,
            points=points,
            source_key=source_key,
            at=at,
            spend_amount=quantize(Decimal(spend_amount), currency),
            currency=currency,
            reference=reference,
            channel=channel,
        )
        tier_recompute(membership=Membership.objects.get(pk=membership.pk), at=at)
        return entry

    entry = post_once(post=run, find=find)
    membership.refresh_from_db()
    return entry


def points_burn(
    *,
    membership: Membership,
    points: int,
    source_key: str,
    currency: str = "DKK",
    reference: str = "",
    channel=None,
    at: datetime | None = None,
) -> tuple[PointsEntry, Decimal]:
    """Use ``points`` as tender; return the burn entry and its money value in ``currency``.

    One conditional UPDATE on the balance decides, so of concurrent burns only
    those the balance covers succeed; the oldest credits are consumed first.
    Idempotent on ``source_key``.  Raises ``InsufficientPointsError`` (nothing
    written), ``InvalidPointsError``, ``SourceKeyReusedError``.
    """
    at = at or timezone.now()
    if int(points) != points or points <= 0:
        raise InvalidPointsError()
    kind = PointsEntry.Kind.BURN
    find = partial(_existing, source_key, membership_id=membership.pk, kind=kind)
    existing = find()
    if existing is None:
        existing = post_once(
            post=lambda: _debit(
                membership_id=membership.pk,
                kind=kind,
                points=points,
                source_key=source_key,
                at=at,
                currency=currency,
                reference=reference,
                channel=channel,
            ),
            find=find,
        )
        membership.refresh_from_db()
    return existing, points_value(-existing.points, existing.currency or currency)


def points_adjust(
    *,
    membership: Membership,
    points: int,
    reason: str,
    source_key: str,
    actor,
    at: datetime | None = None,
) -> PointsEntry:
    """Correct the balance by signed ``points`` with a required ``reason``.

    A positive adjustment is a credit that expires like earned points; a
    negative one consumes the oldest credits.  Raises
    ``AdjustmentReasonRequiredError``, ``InvalidPointsError``,
    ``InsufficientPointsError``.
    """
    at = at or timezone.now()
    if not (reason or "").strip():
        raise AdjustmentReasonRequiredError(field="reason")
    if int(points) != points or points == 0:
        raise InvalidPointsError()
    kind = PointsEntry.Kind.ADJUST
    find = partial(_existing, source_key, membership_id=membership.pk, kind=kind)
    fields = {"reason": reason.strip(), "actor": actor}
    if points > 0:
        run = lambda: _credit(  # noqa: E731
            membership_id=membership.pk,
            kind=kind,
            points=points,
            source_key=source_key,
            at=at,
            **fields,
        )
    else:
        if (existing := find()) is not None:
            return existing
        run = lambda: _debit(  # noqa: E731
            membership_id=membership.pk,
            kind=kind,
            points=-points,
            source_key=source_key,
            at=at,
            **fields,
        )
    entry = post_once(post=run, find=find)
    membership.refresh_from_db()
    return entry


def points_expire(*, at: datetime | None = None) -> int:
    """Expire every credit with ``expires_at <= at`` and ``remaining > 0``; return entries written.

    One transaction per membership: lock the membership (SKIP LOCKED on
    PostgreSQL, so concurrent sweepers share the work), then its due credits
    oldest first, write one EXPIRE entry per credit (source key
    ``expire:<credit pk>``) and reduce the balance.
    """
    at = at or timezone.now()
    skip = connection.vendor == "postgresql"
    member_ids = (
        PointsEntry.objects.filter(expires_at__lte=at, remaining__gt=0)
        .values_list("membership_id", flat=True)
        .distinct()
        .order_by("membership_id")
    )
    written = 0
    for member_id in list(member_ids):
        with locking.atomic():
            locked = next(
                iter(locking.rows_lock(Membership.objects.filter(pk=member_id), skip_locked=skip)),
                None,
            )
            if locked is None:
                continue  # another sweeper (or a burn) holds it; the next run picks it up
            due = locking.rows_lock(
                PointsEntry.objects.filter(
                    membership_id=member_id, expires_at__lte=at, remaining__gt=0
                )
            )
            due.sort(key=lambda e: (e.at, e.pk))
            balance = locked.points_balance
            for credit in due:
                amount = credit.remaining
                balance -= amount
                credit.remaining = 0
                credit.save(update_fields=["remaining"])
                PointsEntry.objects.create(
                    membership_id=member_id,
                    kind=PointsEntry.Kind.EXPIRE,
                    points=-amount,
                    balance_after=balance,
                    source_key=f"expire:{credit.pk}",
                    reference=credit.source_key[:100],
                    at=at,
                )
                written += 1
            Membership.objects.filter(pk=member_id).update(points_balance=balance)
    return written


def points_book_check() -> list[str]:
    """Return the problems in the points book (empty when it balances).

    For every membership: the cached balance equals the sum of its entries'
    points and the sum of their ``remaining``.
    """
    problems = []
    sums = {
        row["membership_id"]: row
        for row in PointsEntry.objects.values("membership_id").annotate(
            total=Sum("points"), left=Sum("remaining")
        )
    }
    for member_id, number, balance in Membership.objects.values_list(
        "pk", "member_number", "points_balance"
    ).order_by("pk"):
        row = sums.get(member_id, {"total": 0, "left": 0})
        if row["total"] != balance:
            problems.append(f"{number}: balance {balance} != sum of entries {row['total']}")
        if row["left"] != balance:
            problems.append(f"{number}: balance {balance} != sum of remaining {row['left']}")
    return problems

"""Loyalty's reads for other apps: memberships, stored-value accounts and ledger entries by key.

The orders app reads loyalty only through these (and loyalty's services),
never its tables.  Each is one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum

from loyalty.models import (
    Membership,
    PointsEntry,
    StoredValueAccount,
    StoredValueEntry,
    StoredValueHold,
)
from loyalty.services.stored_value import code_normalise

HoldStatus = StoredValueHold.Status


def membership_for(*, customer_id: int | None) -> Membership | None:
    """The customer's membership whatever its status (points can be spent while suspended)."""
    if customer_id is None:
        return None
    return Membership.objects.filter(customer_id=customer_id).first()


def membership_active_for(*, customer_id: int | None) -> Membership | None:
    """The customer's membership if it is active (only active members earn)."""
    if customer_id is None:
        return None
    return Membership.objects.filter(
        customer_id=customer_id, status=Membership.Status.ACTIVE
    ).first()


def stored_value_account_ids(*, codes: Iterable[str]) -> dict[str, int]:
    """Account pks by code as given (spaces and dashes ignored); unknown codes are left out."""
    wanted = {code: code_normalise(code) for code in codes}
    found = dict(
        StoredValueAccount.objects.filter(code__in=set(wanted.values())).values_list("code", "pk")
    )
    return {given: found[code] for given, code in wanted.items() if code in found}


def stored_value_account_get(*, pk: int) -> StoredValueAccount:
    return StoredValueAccount.objects.get(pk=pk)


def hold_status(*, source_key: str) -> str | None:
    """The status of the hold taken under ``source_key`` (None when there is none)."""
    return (
        StoredValueHold.objects.filter(source_key=source_key)
        .values_list("status", flat=True)
        .first()
    )


def redemption_for_key(*, source_key: str) -> StoredValueEntry | None:
    """The REDEEM entry posted under ``source_key``, with its account."""
    if not source_key:
        return None
    return (
        StoredValueEntry.objects.filter(source_key=source_key, kind=StoredValueEntry.Kind.REDEEM)
        .select_related("account")
        .first()
    )


def points_burn_for_key(*, source_key: str) -> PointsEntry | None:
    """The BURN entry posted under ``source_key``."""
    return PointsEntry.objects.filter(source_key=source_key, kind=PointsEntry.Kind.BURN).first()


def earn_spend_left(*, earn_source_key: str) -> Decimal | None:
    """The spend a purchase earned points on and has not yet given back; None if it earned none.

    Two queries: the EARN entry and the sum of its reversals (which carry
    negative spend).  Returns stay within it, so many partial returns never
    lower the tier spend more than the purchase raised it.
    """
    earn = PointsEntry.objects.filter(
        source_key=earn_source_key, kind=PointsEntry.Kind.EARN
    ).first()
    if earn is None:
        return None
    reversed_spend = PointsEntry.objects.filter(
        kind=PointsEntry.Kind.EARN_REVERSAL, reason=f"earn:{earn_source_key}"
    ).aggregate(spend=Sum("spend_amount"))["spend"] or Decimal(0)
    return earn.spend_amount + reversed_spend

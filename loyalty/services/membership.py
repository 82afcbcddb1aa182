"""Club membership: joining, member numbers, and the MEMBER group pricing reads."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.utils import timezone
from stdnum import luhn

from loyalty import conf
from loyalty.errors import AlreadyMemberError
from loyalty.models import Membership, PointsEntry
from retail import locking
from retail.models import Customer, CustomerGroup
from retail.models.customers import CustomerGroupMembership

MEMBER_NUMBER_BASE = 100_000_000  # 9 digits + 1 Luhn check digit = 10 digits
MEMBER_NUMBER_SPAN = 900_000_000  # 100000000..999999999: a guess hits one member in thousands


def member_group() -> CustomerGroup:
    """Return the members' group (``LOYALTY_MEMBER_GROUP_CODE``), creating it when missing."""
    code = conf.member_group_code()
    group, _ = CustomerGroup.objects.get_or_create(
        code=code, defaults={"name": "Club members", "kind": CustomerGroup.Kind.MEMBER}
    )
    return group


def member_number_next() -> str:
    """Return a free 10-digit member number: 9 random digits and a Luhn check digit.

    Random, not sequential, so that knowing one's own number does not tell
    another's (issue 16: one guess in 12 hit a member).  Numbers already
    given stay as they are; the unique columns keep a clash impossible.
    """
    while True:
        body = str(MEMBER_NUMBER_BASE + secrets.randbelow(MEMBER_NUMBER_SPAN))
        number = body + luhn.calc_check_digit(body)
        taken = (
            Membership.objects.filter(member_number=number).exists()
            or Customer.objects.filter(member_number=number).exists()
        )
        if not taken:
            return number


def membership_join(*, customer: Customer, channel=None, at: datetime | None = None) -> Membership:
    """Make ``customer`` a club member and return the membership.

    Gives a member number (also set on ``Customer.member_number``), puts the
    customer in the MEMBER group and credits ``LOYALTY_SIGNUP_BONUS`` points
    (source key ``signup:<membership pk>``).  Locks the customer row.
    Raises ``AlreadyMemberError``.
    """
    from loyalty.services.points import _credit

    at = at or timezone.now()
    with locking.atomic():
        (locked,) = locking.rows_lock(Customer.objects.filter(pk=customer.pk))
        if Membership.objects.filter(customer=locked).exists():
            raise AlreadyMemberError(extra={"member_number": locked.member_number})
        number = member_number_next()
        membership = Membership.objects.create(
            customer=locked, member_number=number, joined_at=at, channel=channel
        )
        Customer.objects.filter(pk=locked.pk).update(member_number=number)
        CustomerGroupMembership.objects.get_or_create(customer=locked, group=member_group())
        bonus = conf.signup_bonus()
        if bonus > 0:
            _credit(
                membership_id=membership.pk,
                kind=PointsEntry.Kind.BONUS,
                points=bonus,
                source_key=f"signup:{membership.pk}",
                at=at,
                reason="Sign-up bonus",
                channel=channel,
            )
    customer.member_number = number
    membership.refresh_from_db()
    return membership

"""Points given back (burn reversal) and taken back (earn reversal) on cancellations and returns."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from loyalty.models import Membership, PointsEntry, Tier
from loyalty.services.membership import membership_join
from loyalty.services.points import InvalidPointsError, points_book_check, points_burn, points_earn
from loyalty.services.reversals import points_burn_reverse, points_earn_reverse
from retail.models import CustomerGroup
from tests.factories import CustomerFactory

AT = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
def member(db, settings):
    settings.LOYALTY_SIGNUP_BONUS = 0
    return membership_join(customer=CustomerFactory(), at=AT)


def _balance(member):
    return Membership.objects.get(pk=member.pk).points_balance


def test_points_burn_reverse_partial_never_exceeds_the_burn(member):
    points_earn(
        membership=member, spend_amount=Decimal(1000), currency="DKK", source_key="e", at=AT
    )
    points_burn(membership=member, points=600, source_key="burn", at=AT)
    points_burn_reverse(burn_source_key="burn", source_key="r1", points=200, at=AT)
    points_burn_reverse(burn_source_key="burn", source_key="r1", points=200, at=AT)  # retry
    assert _balance(member) == 600
    with pytest.raises(InvalidPointsError):
        points_burn_reverse(burn_source_key="burn", source_key="r2", points=401, at=AT)
    rest = points_burn_reverse(burn_source_key="burn", source_key="r3", at=AT)
    assert rest.points == 400
    assert _balance(member) == 1000
    assert points_book_check() == []


def test_points_earn_reverse_takes_back_the_share_and_lowers_tier_spend(member):
    group = CustomerGroup.objects.create(code="SILVER", name="Silver", kind=CustomerGroup.Kind.TIER)
    silver = Tier.objects.create(
        code="SILVER",
        name="Silver",
        rank=1,
        min_spend_amount=Decimal(1000),
        currency="DKK",
        group=group,
    )
    points_earn(
        membership=member, spend_amount=Decimal("1200"), currency="DKK", source_key="r", at=AT
    )
    member.refresh_from_db()
    assert member.tier == silver and _balance(member) == 1200

    entry = points_earn_reverse(
        earn_source_key="r",
        spend_amount=Decimal("300"),
        source_key="ret:1",
        at=AT + timedelta(days=1),
    )
    assert entry.points == -300 and entry.spend_amount == Decimal("-300.00")
    member.refresh_from_db()
    assert _balance(member) == 900
    assert member.tier is None  # 1200 - 300 = 900 < 1000
    again = points_earn_reverse(
        earn_source_key="r", spend_amount=Decimal("300"), source_key="ret:1", at=AT
    )
    assert again.pk == entry.pk and _balance(member) == 900
    assert points_book_check() == []


def test_points_earn_reverse_when_points_were_spent_still_lowers_spend(member):
    points_earn(
        membership=member, spend_amount=Decimal("500"), currency="DKK", source_key="r", at=AT
    )
    points_burn(membership=member, points=450, source_key="b", at=AT)
    entry = points_earn_reverse(
        earn_source_key="r", spend_amount=Decimal("500"), source_key="ret", at=AT
    )
    assert entry.points == -50  # only what is left; the balance never goes negative
    assert _balance(member) == 0
    zero = points_earn_reverse(
        earn_source_key="r", spend_amount=Decimal("100"), source_key="ret2", at=AT
    )
    assert zero.points == 0 and zero.spend_amount == Decimal("-100.00")
    assert PointsEntry.objects.filter(kind=PointsEntry.Kind.EARN_REVERSAL).count() == 2
    assert points_book_check() == []


def test_points_earn_reverse_without_earn_returns_none(member):
    assert (
        points_earn_reverse(earn_source_key="nope", spend_amount=Decimal(1), source_key="x", at=AT)
        is None
    )

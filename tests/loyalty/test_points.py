from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from loyalty.errors import InsufficientPointsError
from loyalty.models import PointsEntry
from loyalty.services.membership import membership_join
from loyalty.services.points import (
    AdjustmentReasonRequiredError,
    points_adjust,
    points_book_check,
    points_burn,
    points_earn,
    points_expire,
    points_for_amount,
    points_value,
)
from loyalty.services.reversals import points_burn_reverse
from tests.factories import CustomerFactory, UserFactory

AT = datetime(2026, 1, 10, 12, tzinfo=UTC)


@pytest.fixture
def member(db, settings):
    settings.LOYALTY_SIGNUP_BONUS = 0
    settings.LOYALTY_POINTS_TTL_DAYS = 730
    return membership_join(customer=CustomerFactory(), at=AT)


def _remaining(key):
    return PointsEntry.objects.get(source_key=key).remaining


def test_points_value_and_points_for_amount_round_up():
    assert points_value(100, "DKK") == Decimal("5.00")
    assert points_for_amount(Decimal("1.02"), "DKK") == 21
    assert points_for_amount(Decimal("5.00"), "DKK") == 100


def test_points_earn_floors_spend_times_rate_times_multiplier(member):
    entry = points_earn(
        membership=member,
        spend_amount=Decimal("199.95"),
        currency="DKK",
        source_key="pos:r1",
        multiplier=Decimal("2"),
        at=AT,
    )
    assert (entry.points, entry.remaining) == (399, 399)
    assert entry.expires_at == AT + timedelta(days=730)
    assert member.points_balance == 399


def test_points_earn_resent_receipt_earns_once(member):
    for _ in range(3):
        points_earn(
            membership=member,
            spend_amount=Decimal("100"),
            currency="DKK",
            source_key="pos:r1",
            at=AT,
        )
    member.refresh_from_db()
    assert member.points_balance == 100
    assert PointsEntry.objects.filter(kind="earn").count() == 1


def test_points_burn_consumes_oldest_first(member):
    points_earn(membership=member, spend_amount=Decimal(100), currency="DKK", source_key="a", at=AT)
    later = AT + timedelta(days=1)
    points_earn(
        membership=member, spend_amount=Decimal(100), currency="DKK", source_key="b", at=later
    )

    entry, value = points_burn(membership=member, points=150, source_key="order:1", at=later)

    assert (entry.points, entry.balance_after, value) == (-150, 50, Decimal("7.50"))
    assert (_remaining("a"), _remaining("b")) == (0, 50)
    assert member.points_balance == 50
    assert points_book_check() == []


def test_points_burn_insufficient_writes_nothing(member):
    points_earn(membership=member, spend_amount=Decimal(50), currency="DKK", source_key="a", at=AT)

    with pytest.raises(InsufficientPointsError):
        points_burn(membership=member, points=51, source_key="order:1", at=AT)

    member.refresh_from_db()
    assert member.points_balance == 50
    assert _remaining("a") == 50
    assert not PointsEntry.objects.filter(kind="burn").exists()


def test_points_burn_reverse_gives_points_back_as_new_credit(member):
    points_earn(membership=member, spend_amount=Decimal(100), currency="DKK", source_key="a", at=AT)
    points_burn(membership=member, points=80, source_key="order:1", at=AT)

    credit = points_burn_reverse(burn_source_key="order:1", source_key="cancel:1", at=AT)
    again = points_burn_reverse(burn_source_key="order:1", source_key="cancel:1", at=AT)

    member.refresh_from_db()
    assert again.pk == credit.pk
    assert (credit.kind, credit.points, credit.remaining) == ("burn_reversal", 80, 80)
    assert member.points_balance == 100
    assert points_book_check() == []


def test_points_adjust_needs_reason(member):
    user = UserFactory()
    with pytest.raises(AdjustmentReasonRequiredError):
        points_adjust(membership=member, points=10, reason=" ", source_key="adj:1", actor=user)
    assert not PointsEntry.objects.exists()

    points_adjust(
        membership=member, points=30, reason="Goodwill", source_key="adj:2", actor=user, at=AT
    )
    entry = points_adjust(
        membership=member, points=-10, reason="Typo", source_key="adj:3", actor=user, at=AT
    )
    assert (entry.points, entry.balance_after, entry.actor) == (-10, 20, user)
    assert member.points_balance == 20
    assert points_book_check() == []


def test_points_expire_oldest_first_only_due_remaining(member, settings):
    settings.LOYALTY_POINTS_TTL_DAYS = 30
    points_earn(membership=member, spend_amount=Decimal(100), currency="DKK", source_key="a", at=AT)
    later = AT + timedelta(days=10)
    points_earn(
        membership=member, spend_amount=Decimal(100), currency="DKK", source_key="b", at=later
    )
    points_burn(membership=member, points=60, source_key="order:1", at=later)

    # "a" (40 left) is due at day 30; "b" only at day 40.
    written = points_expire(at=AT + timedelta(days=35))

    member.refresh_from_db()
    assert written == 1
    expired = PointsEntry.objects.get(kind="expire")
    assert (expired.points, expired.balance_after) == (-40, 100)
    assert (_remaining("a"), _remaining("b")) == (0, 100)
    assert member.points_balance == 100
    assert points_expire(at=AT + timedelta(days=35)) == 0
    assert points_book_check() == []


def test_points_check_command_reports_a_broken_book(member):
    from django.core.management import CommandError, call_command

    from loyalty.models import Membership

    points_earn(membership=member, spend_amount=Decimal(10), currency="DKK", source_key="a", at=AT)
    call_command("points_check")

    Membership.objects.filter(pk=member.pk).update(points_balance=11)
    with pytest.raises(CommandError):
        call_command("points_check")

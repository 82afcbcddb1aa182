from datetime import UTC, datetime

import pytest
from stdnum import luhn

from loyalty.errors import AlreadyMemberError
from loyalty.models import Membership, PointsEntry
from loyalty.services.membership import membership_join
from loyalty.services.points import points_book_check
from retail.selectors import customer_group_codes
from tests.factories import CustomerFactory

AT = datetime(2026, 1, 10, 12, tzinfo=UTC)


@pytest.mark.django_db
def test_membership_join_gives_number_group_and_bonus(settings):
    settings.LOYALTY_SIGNUP_BONUS = 100
    customer = CustomerFactory()

    membership = membership_join(customer=customer, at=AT)

    customer.refresh_from_db()
    assert len(membership.member_number) == 10
    assert luhn.is_valid(membership.member_number)
    assert customer.member_number == membership.member_number
    assert "MEMBER" in customer_group_codes(customer=customer, at=AT)
    assert membership.points_balance == 100
    bonus = PointsEntry.objects.get(source_key=f"signup:{membership.pk}")
    assert (bonus.kind, bonus.points, bonus.remaining) == ("bonus", 100, 100)
    assert points_book_check() == []


@pytest.mark.django_db
def test_membership_join_numbers_are_distinct():
    first = membership_join(customer=CustomerFactory(), at=AT)
    second = membership_join(customer=CustomerFactory(), at=AT)
    assert first.member_number != second.member_number
    assert luhn.is_valid(second.member_number)


@pytest.mark.django_db
def test_membership_join_already_member_writes_nothing():
    customer = CustomerFactory()
    membership_join(customer=customer, at=AT)

    with pytest.raises(AlreadyMemberError):
        membership_join(customer=customer, at=AT)

    assert Membership.objects.count() == 1
    assert PointsEntry.objects.count() == 1

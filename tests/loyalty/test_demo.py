"""Loyalty's seed steps: tiers, members with points, gift cards, credit notes and vouchers
whose books balance, and a rerun that adds nothing."""

import pytest
from django.core.management import call_command
from django.db.models import F

from loyalty.models import Membership, PointsEntry, StoredValueAccount, StoredValueEntry, Tier
from loyalty.services.points import points_book_check
from loyalty.services.stored_value import stored_value_book_check

pytestmark = pytest.mark.django_db

ARGS = ("seed_demo", "--stores", "4", "--products", "60", "--customers", "30")


def _counts():
    return (
        Tier.objects.count(),
        Membership.objects.count(),
        PointsEntry.objects.count(),
        StoredValueAccount.objects.count(),
        StoredValueEntry.objects.count(),
    )


def test_seed_builds_loyalty_and_a_rerun_adds_nothing():
    call_command(*ARGS)
    assert set(Tier.objects.values_list("code", "group__code")) == {
        ("SILVER", "SILVER"),
        ("GOLD", "GOLD"),
    }
    members = Membership.objects.select_related("customer")
    assert members.exists()
    assert all(m.member_number == m.customer.member_number for m in members)
    assert members.filter(points_balance__gt=0).exists()
    assert PointsEntry.objects.filter(kind=PointsEntry.Kind.BURN).exists()
    accounts = StoredValueAccount.objects
    assert (
        accounts.filter(kind="gift_card", balance__gt=0)
        .filter(entries__kind=StoredValueEntry.Kind.REDEEM)
        .exists()
    )
    assert accounts.filter(kind="credit_note").exists()
    assert accounts.filter(kind="voucher", customer__membership__isnull=False).exists()
    assert not accounts.filter(balance__lt=F("held")).exists()
    assert points_book_check() == []
    assert stored_value_book_check() == []

    before = _counts()
    call_command(*ARGS)
    assert _counts() == before
    assert points_book_check() == []
    assert stored_value_book_check() == []

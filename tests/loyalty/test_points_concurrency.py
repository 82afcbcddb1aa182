"""Concurrent burns and re-sent receipts on real PostgreSQL with real threads."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from loyalty.errors import InsufficientPointsError
from loyalty.models import Membership, PointsEntry
from loyalty.services.membership import membership_join
from loyalty.services.points import points_book_check, points_burn, points_earn
from tests.concurrency import run_in_threads
from tests.factories import CustomerFactory

AT = datetime(2026, 1, 10, 12, tzinfo=UTC)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_points_burn_five_concurrent_orders_exactly_one_succeeds(settings):
    settings.LOYALTY_SIGNUP_BONUS = 100
    member = membership_join(customer=CustomerFactory(), at=AT)

    def burn(i):
        return points_burn(
            membership=Membership.objects.get(pk=member.pk),
            points=100,
            source_key=f"order:{i}",
            at=AT,
        )

    results, errors = run_in_threads(5, burn)

    assert len(results) == 1
    assert len(errors) == 4 and all(isinstance(e, InsufficientPointsError) for e in errors)
    member.refresh_from_db()
    total = PointsEntry.objects.filter(membership=member).aggregate(s=Sum("points"))["s"]
    assert member.points_balance == 0 == total
    assert points_book_check() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_points_earn_ten_threads_resending_one_receipt_earn_once(settings):
    settings.LOYALTY_SIGNUP_BONUS = 0
    member = membership_join(customer=CustomerFactory(), at=AT)

    def earn(i):
        return points_earn(
            membership=Membership.objects.get(pk=member.pk),
            spend_amount=Decimal("250"),
            currency="DKK",
            source_key="pos:S1:receipt-42",
            at=AT,
        )

    results, errors = run_in_threads(10, earn)

    assert errors == []
    assert len({entry.pk for entry in results}) == 1
    member.refresh_from_db()
    assert member.points_balance == 250
    assert PointsEntry.objects.filter(kind="earn").count() == 1
    assert points_book_check() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_points_expire_concurrent_sweepers_expire_each_credit_once(settings):
    from datetime import timedelta

    from loyalty.services.points import points_expire

    settings.LOYALTY_SIGNUP_BONUS = 100
    settings.LOYALTY_POINTS_TTL_DAYS = 30
    members = [membership_join(customer=CustomerFactory(), at=AT) for _ in range(6)]

    results, errors = run_in_threads(4, lambda i: points_expire(at=AT + timedelta(days=31)))

    assert errors == []
    assert sum(results) == 6
    assert PointsEntry.objects.filter(kind="expire").count() == 6
    assert all(
        m.points_balance == 0 for m in Membership.objects.filter(pk__in=[m.pk for m in members])
    )
    assert points_book_check() == []

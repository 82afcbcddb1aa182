from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from loyalty.models import Tier
from loyalty.services.membership import membership_join
from loyalty.services.points import points_earn
from loyalty.services.tiers import tiers_recompute_all
from retail.models import CustomerGroup
from retail.selectors import customer_group_codes
from tests.factories import CustomerFactory

AT = datetime(2026, 1, 10, 12, tzinfo=UTC)


def _tier(code, rank, min_spend):
    group = CustomerGroup.objects.create(code=code, name=code, kind=CustomerGroup.Kind.TIER)
    return Tier.objects.create(
        code=code, name=code, rank=rank, min_spend_amount=min_spend, currency="DKK", group=group
    )


@pytest.mark.django_db
def test_tier_up_on_purchase_and_down_nightly_with_groups():
    silver = _tier("SILVER", 1, Decimal("1000"))
    gold = _tier("GOLD", 2, Decimal("5000"))
    member = membership_join(customer=CustomerFactory(), at=AT)
    customer = member.customer

    points_earn(
        membership=member, spend_amount=Decimal(1500), currency="DKK", source_key="a", at=AT
    )
    assert member.tier == silver
    assert {"MEMBER", "SILVER"} <= customer_group_codes(customer=customer, at=AT)

    later = AT + timedelta(days=100)
    points_earn(
        membership=member, spend_amount=Decimal(4000), currency="DKK", source_key="b", at=later
    )
    codes = customer_group_codes(customer=customer, at=later)
    assert member.tier == gold
    assert "GOLD" in codes and "SILVER" not in codes

    # A year after the first purchase only 4000 remains in the window: back to silver.
    tiers_recompute_all(at=AT + timedelta(days=400))
    member.refresh_from_db()
    codes = customer_group_codes(customer=customer, at=AT + timedelta(days=400))
    assert member.tier == silver
    assert "SILVER" in codes and "GOLD" not in codes

    # Two years on nothing is left: no tier, still a member.
    tiers_recompute_all(at=AT + timedelta(days=800))
    member.refresh_from_db()
    assert member.tier is None
    assert customer_group_codes(customer=customer, at=AT) == frozenset({"MEMBER"})

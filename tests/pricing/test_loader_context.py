"""The pricing context: channel, store, customer groups, and the coupons presented, checked."""

from datetime import UTC, datetime, timedelta

import pytest

from pricing.engine.types import PricingContext
from pricing.errors import (
    CouponCustomerLimitError,
    CouponExpiredError,
    CouponNotForCustomerError,
    CouponNotFoundError,
    CouponNotYetValidError,
    CouponUsedUpError,
)
from pricing.loader import context_build
from pricing.models import Campaign, CouponRedemption
from tests.factories import CustomerFactory, StoreFactory
from tests.pricing.factories import (
    CampaignFactory,
    CouponCodeFactory,
    CustomerGroupFactory,
    dk_market,
    join_group,
)

pytestmark = pytest.mark.django_db

AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def web():
    return dk_market()


def test_context_build_fills_channel_store_customer_groups_and_coupons(web):
    store = StoreFactory()
    customer = CustomerFactory()
    join_group(customer, CustomerGroupFactory(code="MEMBERS"))
    join_group(customer, CustomerGroupFactory(code="EXPIRED"), valid_to=AT - timedelta(days=1))
    coupon = CouponCodeFactory(code="SUMMER10", max_uses=None)
    context = context_build(
        channel=web,
        store=store,
        customer=customer,
        coupon_codes=["  summer10 ", "SUMMER10"],
        at=AT,
    )
    assert context == PricingContext(
        at=AT,
        currency="DKK",
        language="da",
        channel_id=web.pk,
        store_id=store.pk,
        customer_id=customer.pk,
        group_codes=frozenset({"MEMBERS"}),
        unlocked_campaign_ids=frozenset({coupon.campaign_id}),
        coupon_campaigns=(("SUMMER10", coupon.campaign_id),),
    )
    assert (
        context_build(
            channel=web, store=None, customer=None, coupon_codes=(), at=AT, language="en"
        ).language
        == "en"
    )


def test_context_build_costs_one_query_at_most(web, django_assert_max_num_queries):
    customer = CustomerFactory()
    CouponCodeFactory(code="A1", max_uses_per_customer=2)
    CouponCodeFactory(code="B2")
    with django_assert_max_num_queries(1):
        context_build(channel=web, store=None, customer=customer, coupon_codes=["a1", "b2"], at=AT)


def _redeemed(coupon, customer, released=False):
    CouponRedemption.objects.create(
        coupon=coupon,
        customer=customer,
        source_key=f"order-{CouponRedemption.objects.count()}",
        redeemed_at=AT - timedelta(days=1),
        released_at=AT if released else None,
    )


@pytest.mark.parametrize(
    ("coupon_kwargs", "campaign_kwargs", "error"),
    [
        ({"is_active": False}, {}, CouponExpiredError),
        ({}, {"status": Campaign.Status.PAUSED}, CouponExpiredError),
        ({"valid_to": AT}, {}, CouponExpiredError),
        ({}, {"valid_to": AT - timedelta(hours=1)}, CouponExpiredError),
        ({"valid_from": AT + timedelta(hours=1)}, {}, CouponNotYetValidError),
        ({}, {"valid_from": AT + timedelta(days=1)}, CouponNotYetValidError),
        ({"uses": 1, "max_uses": 1}, {}, CouponUsedUpError),
    ],
)
def test_context_build_rejects_unusable_coupon(web, coupon_kwargs, campaign_kwargs, error):
    campaign = CampaignFactory(requires_coupon=True, **campaign_kwargs)
    CouponCodeFactory(code="OK1", max_uses=None)
    CouponCodeFactory(code="BAD1", campaign=campaign, **coupon_kwargs)
    with pytest.raises(error) as caught:
        context_build(channel=web, store=None, customer=None, coupon_codes=["ok1", "bad1"], at=AT)
    assert caught.value.field == "coupons.1"
    assert caught.value.extra == {"code": "BAD1"}


def test_context_build_unknown_coupon_names_its_position(web):
    with pytest.raises(CouponNotFoundError) as caught:
        context_build(channel=web, store=None, customer=None, coupon_codes=["nope"], at=AT)
    assert caught.value.field == "coupons.0"
    assert caught.value.code == "coupon_not_found"


def test_context_build_personal_code_only_for_its_customer(web):
    owner, other = CustomerFactory(), CustomerFactory()
    CouponCodeFactory(code="PERSONAL1", customer=owner)
    for who in (other, None):
        with pytest.raises(CouponNotForCustomerError):
            context_build(channel=web, store=None, customer=who, coupon_codes=["PERSONAL1"], at=AT)
    context = context_build(
        channel=web, store=None, customer=owner, coupon_codes=["PERSONAL1"], at=AT
    )
    assert context.coupon_campaigns[0][0] == "PERSONAL1"


def test_context_build_per_customer_limit_counts_unreleased_redemptions(web):
    customer = CustomerFactory()
    coupon = CouponCodeFactory(code="TWICE", max_uses=None, max_uses_per_customer=2)
    _redeemed(coupon, customer)
    _redeemed(coupon, customer, released=True)
    _redeemed(coupon, CustomerFactory())
    context_build(channel=web, store=None, customer=customer, coupon_codes=["TWICE"], at=AT)
    _redeemed(coupon, customer)
    with pytest.raises(CouponCustomerLimitError):
        context_build(channel=web, store=None, customer=customer, coupon_codes=["TWICE"], at=AT)
    # A guest cannot be counted, so the per-customer limit does not stop them.
    context_build(channel=web, store=None, customer=None, coupon_codes=["TWICE"], at=AT)

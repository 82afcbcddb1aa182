"""Coupon codes: generated unguessable and unique, redeemed exactly as often as allowed."""

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from pricing.errors import (
    CouponCodeExistsError,
    CouponCustomerLimitError,
    CouponExpiredError,
    CouponNotForCustomerError,
    CouponNotFoundError,
    CouponNotYetValidError,
    CouponSourceKeyReusedError,
    CouponUsedUpError,
    InvalidCouponBatchError,
    InvalidCouponCodeError,
)
from pricing.models import Campaign, CouponCode, CouponRedemption
from pricing.services import coupons as coupons_module
from pricing.services.coupons import (
    CODE_ALPHABET,
    coupon_batch_generate,
    coupon_code_create,
    coupon_redeem,
    coupon_redemption_release,
)
from pricing.services.revision import rules_revision_current
from tests.concurrency import run_concurrently
from tests.factories import ChannelFactory, CustomerFactory, UserFactory
from tests.pricing.factories import CampaignFactory, CouponCodeFactory

AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def campaign(db):
    return CampaignFactory(code="SUMMER", requires_coupon=True)


# ---- creating codes ------------------------------------------------------------------------


@pytest.mark.django_db
def test_coupon_batch_generate_makes_unique_unguessable_codes(campaign):
    user = UserFactory()
    revision = rules_revision_current()
    batch = coupon_batch_generate(campaign=campaign, size=2500, prefix="sum", user=user, at=AT)
    codes = list(batch.codes.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == batch.size == 2500
    assert all(code.startswith("SUM") and len(code) == 3 + 12 for code in codes)
    assert all(set(code[3:]) <= set(CODE_ALPHABET) for code in codes)
    assert not set(CODE_ALPHABET) & set("0O1IL")
    assert (batch.prefix, batch.created_by, batch.created_at) == ("SUM", user, AT)
    assert set(batch.codes.values_list("max_uses", "campaign_id", "uses").distinct()) == {
        (1, campaign.pk, 0)
    }
    assert rules_revision_current() > revision


@pytest.mark.django_db
def test_coupon_batch_generate_draws_again_on_collision(campaign, monkeypatch):
    CouponCodeFactory(code="AAAAAAAAAAAA", campaign=campaign)
    drawn = iter(["AAAAAAAAAAAA", "CCCCCCCCCCCC", "DDDDDDDDDDDD"])
    monkeypatch.setattr(coupons_module, "_random_code", lambda prefix: prefix + next(drawn))
    batch = coupon_batch_generate(campaign=campaign, size=2, at=AT)
    assert sorted(batch.codes.values_list("code", flat=True)) == ["CCCCCCCCCCCC", "DDDDDDDDDDDD"]


@pytest.mark.django_db
def test_coupon_batch_generate_personal_codes_one_per_customer(campaign):
    customers = CustomerFactory.create_batch(3)
    batch = coupon_batch_generate(
        campaign=campaign, size=3, customers=customers, max_uses_per_code=2, at=AT
    )
    assert sorted(batch.codes.values_list("customer_id", flat=True)) == sorted(
        c.pk for c in customers
    )
    assert set(batch.codes.values_list("max_uses", flat=True)) == {2}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"size": 0}, "size"),
        ({"size": 100_001}, "size"),
        ({"size": 2, "customers": "one"}, "size"),
        ({"size": 1, "prefix": "TOO-LONG-PREFIX"}, "prefix"),
        ({"size": 1, "max_uses_per_code": 0}, "max_uses_per_code"),
    ],
)
def test_coupon_batch_generate_rejects_bad_input(campaign, kwargs, field):
    if kwargs.get("customers") == "one":
        kwargs["customers"] = [CustomerFactory()]
    with pytest.raises(InvalidCouponBatchError) as caught:
        coupon_batch_generate(campaign=campaign, **kwargs)
    assert caught.value.field == field
    assert not CouponCode.objects.exists()


@pytest.mark.django_db
def test_coupon_code_create_normalises_and_rejects_duplicates(campaign):
    coupon = coupon_code_create(campaign=campaign, code=" welcome10 ", max_uses=None)
    assert coupon.code == "WELCOME10" and coupon.max_uses is None
    with pytest.raises(CouponCodeExistsError) as caught:
        coupon_code_create(campaign=campaign, code="Welcome10")
    assert caught.value.field == "code"
    for bad in ("", "AB", "NO SPACES", "ÆØÅ123", "X" * 33):
        with pytest.raises(InvalidCouponCodeError):
            coupon_code_create(campaign=campaign, code=bad)


# ---- redeeming -----------------------------------------------------------------------------


def _redeem(code="ONCE", source_key="order-1", **kwargs):
    kwargs.setdefault("at", AT)
    return coupon_redeem(code=code, source_key=source_key, **kwargs)


@pytest.mark.django_db
def test_coupon_redeem_counts_a_use_and_is_idempotent_on_source_key(campaign):
    customer, channel = CustomerFactory(), ChannelFactory()
    CouponCodeFactory(code="ONCE", campaign=campaign, max_uses=1)
    revision = rules_revision_current()
    first = _redeem(code=" once ", customer=customer, channel=channel)
    assert (first.coupon.code, first.customer, first.channel) == ("ONCE", customer, channel)
    assert (first.redeemed_at, first.released_at) == (AT, None)
    again = _redeem(customer=customer, channel=channel)
    assert again.pk == first.pk
    assert CouponCode.objects.get(code="ONCE").uses == 1
    assert rules_revision_current() == revision  # using a coupon changes no rule
    with pytest.raises(CouponUsedUpError) as caught:
        _redeem(source_key="order-2")
    assert caught.value.field == "code"


@pytest.mark.django_db
def test_coupon_redeem_source_key_of_another_code_is_a_conflict(campaign):
    CouponCodeFactory(code="ONCE", campaign=campaign)
    CouponCodeFactory(code="OTHER", campaign=campaign)
    _redeem()
    with pytest.raises(CouponSourceKeyReusedError):
        _redeem(code="OTHER")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("coupon_kwargs", "error"),
    [
        ({"is_active": False}, CouponExpiredError),
        ({"valid_to": AT}, CouponExpiredError),
        ({"valid_from": AT + timedelta(minutes=1)}, CouponNotYetValidError),
    ],
)
def test_coupon_redeem_validates_like_pricing(campaign, coupon_kwargs, error):
    CouponCodeFactory(code="ONCE", campaign=campaign, **coupon_kwargs)
    with pytest.raises(error):
        _redeem()
    assert not CouponRedemption.objects.exists()
    assert CouponCode.objects.get().uses == 0


@pytest.mark.django_db
def test_coupon_redeem_campaign_ended_or_unknown_code(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.ENDED)
    CouponCodeFactory(code="ONCE", campaign=campaign)
    with pytest.raises(CouponExpiredError):
        _redeem()
    with pytest.raises(CouponNotFoundError):
        _redeem(code="NOPE")


@pytest.mark.django_db
def test_coupon_redeem_personal_code_only_by_its_customer(campaign):
    owner = CustomerFactory()
    CouponCodeFactory(code="ONCE", campaign=campaign, customer=owner)
    with pytest.raises(CouponNotForCustomerError):
        _redeem(customer=CustomerFactory())
    with pytest.raises(CouponNotForCustomerError):
        _redeem(customer=None)
    assert _redeem(customer=owner).customer == owner


@pytest.mark.django_db
def test_coupon_redeem_per_customer_limit(campaign):
    customer = CustomerFactory()
    CouponCodeFactory(code="MULTI", campaign=campaign, max_uses=None, max_uses_per_customer=2)
    _redeem(code="MULTI", source_key="a", customer=customer)
    _redeem(code="MULTI", source_key="b", customer=customer)
    with pytest.raises(CouponCustomerLimitError):
        _redeem(code="MULTI", source_key="c", customer=customer)
    _redeem(code="MULTI", source_key="d", customer=CustomerFactory())
    # A released use no longer counts against the customer.
    coupon_redemption_release(source_key="a", at=AT)
    _redeem(code="MULTI", source_key="e", customer=customer)
    assert CouponCode.objects.get().uses == 4 - 1 + 1 - 1


@pytest.mark.django_db
def test_coupon_redemption_release_gives_the_use_back_once(campaign):
    CouponCodeFactory(code="ONCE", campaign=campaign)
    _redeem()
    released = coupon_redemption_release(source_key="order-1", at=AT + timedelta(hours=1))
    assert released.released_at == AT + timedelta(hours=1)
    again = coupon_redemption_release(source_key="order-1", at=AT + timedelta(hours=2))
    assert again.released_at == AT + timedelta(hours=1)
    assert CouponCode.objects.get().uses == 0
    assert coupon_redemption_release(source_key="unknown") is None
    # The single-use code can be used by another order now.
    assert _redeem(source_key="order-2").coupon.uses == 1


# ---- concurrency: real threads against real PostgreSQL ----------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_coupon_redeem_single_use_code_by_50_checkouts_at_once_succeeds_once():
    coupon = CouponCodeFactory(code="ONLY-ONE", max_uses=1)
    results = run_concurrently(
        [partial(coupon_redeem, code="ONLY-ONE", source_key=f"order-{i}", at=AT) for i in range(50)]
    )
    won = [r for r in results if isinstance(r, CouponRedemption)]
    lost = [r for r in results if isinstance(r, CouponUsedUpError)]
    assert (len(won), len(lost)) == (1, 49), results
    coupon.refresh_from_db()
    assert coupon.uses == 1
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_coupon_redeem_ten_use_code_by_30_checkouts_at_once_succeeds_ten_times():
    coupon = CouponCodeFactory(code="TEN", max_uses=10)
    results = run_concurrently(
        [partial(coupon_redeem, code="TEN", source_key=f"order-{i}", at=AT) for i in range(30)]
    )
    won = [r for r in results if isinstance(r, CouponRedemption)]
    assert len(won) == 10
    assert all(isinstance(r, CouponUsedUpError) for r in results if r not in won)
    coupon.refresh_from_db()
    assert coupon.uses == 10 == CouponRedemption.objects.filter(coupon=coupon).count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("max_uses", [1, None])
def test_coupon_redeem_same_source_key_from_10_threads_redeems_once(max_uses):
    coupon = CouponCodeFactory(code="RETRY", max_uses=max_uses)
    results = run_concurrently(
        [partial(coupon_redeem, code="RETRY", source_key="order-42", at=AT)] * 10
    )
    assert all(isinstance(r, CouponRedemption) for r in results), results
    assert len({r.pk for r in results}) == 1
    coupon.refresh_from_db()
    assert coupon.uses == 1 == CouponRedemption.objects.count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_coupon_redeem_per_customer_limit_holds_under_concurrency():
    customer = CustomerFactory()
    coupon = CouponCodeFactory(code="TWICE-EACH", max_uses=None, max_uses_per_customer=2)
    results = run_concurrently(
        [
            partial(
                coupon_redeem, code="TWICE-EACH", customer=customer, source_key=f"order-{i}", at=AT
            )
            for i in range(20)
        ]
    )
    assert sum(isinstance(r, CouponRedemption) for r in results) == 2
    assert sum(isinstance(r, CouponCustomerLimitError) for r in results) == 18
    coupon.refresh_from_db()
    assert coupon.uses == 2

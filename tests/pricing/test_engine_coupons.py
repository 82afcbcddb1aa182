"""Coupons: a valid coupon that does not apply is reported, not an error."""

from tests.pricing.builders import campaign, priced

PRICES = {1: "100.00", 2: "10.00"}
COUPON = campaign("C10", "percent_off", [1], percent="10", coupon=True, campaign_id=501)


def test_coupon_that_applies_is_reported_and_named_on_the_discount():
    result = priced(
        [(1, 1)],
        PRICES,
        [COUPON],
        unlocked_campaign_ids={501},
        coupon_campaigns=(("WELCOME10", 501),),
    )
    assert [(c.code, c.applied, c.reason) for c in result.coupons] == [("WELCOME10", True, "")]
    (discount,) = result.lines[0].discounts
    assert (discount.campaign_code, discount.coupon_code) == ("C10", "WELCOME10")


def test_coupon_with_nothing_to_discount_is_not_applicable():
    result = priced(
        [(2, 1)],
        PRICES,
        [COUPON],
        unlocked_campaign_ids={501},
        coupon_campaigns=(("WELCOME10", 501),),
    )
    assert [(c.code, c.applied, c.reason) for c in result.coupons] == [
        ("WELCOME10", False, "not_applicable")
    ]
    assert result.total == result.subtotal


def test_coupon_beaten_by_a_better_campaign_is_not_applicable():
    better = campaign("BEST20", "percent_off", [1], percent="20", stacking="exclusive")
    result = priced(
        [(1, 1)],
        PRICES,
        [COUPON, better],
        unlocked_campaign_ids={501},
        coupon_campaigns=(("WELCOME10", 501),),
    )
    assert result.applied_campaigns == ("BEST20",)
    assert [(c.code, c.applied, c.reason) for c in result.coupons] == [
        ("WELCOME10", False, "not_applicable")
    ]


def test_campaign_requiring_a_coupon_does_nothing_without_it():
    result = priced([(1, 1)], PRICES, [COUPON])
    assert (result.total, result.coupons, result.applied_campaigns) == (result.subtotal, (), ())

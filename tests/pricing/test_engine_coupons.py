"""Coupons: a valid coupon that does not apply is reported with why, not an error."""

from decimal import Decimal

import pytest

from tests.pricing.builders import AT, LATER, campaign, priced, target

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


def test_coupon_with_nothing_to_discount_names_what_it_is_for():
    result = priced(
        [(2, 1)],
        PRICES,
        [COUPON],
        unlocked_campaign_ids={501},
        coupon_campaigns=(("WELCOME10", 501),),
    )
    (coupon,) = result.coupons
    assert (coupon.code, coupon.applied, coupon.reason) == (
        "WELCOME10",
        False,
        "no_qualifying_items",
    )
    assert [(n.type, n.code, n.name) for n in coupon.targets] == [("product", "SKU1", "Product 1")]
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
    (coupon,) = result.coupons
    assert (coupon.applied, coupon.reason, coupon.by) == (
        False,
        "better_offer_applies",
        ("BEST20",),
    )


def test_campaign_requiring_a_coupon_does_nothing_without_it():
    result = priced([(1, 1)], PRICES, [COUPON])
    assert (result.total, result.coupons, result.applied_campaigns) == (result.subtotal, (), ())


def unlocked(rule, items, **context):
    return priced(
        items,
        PRICES,
        [rule],
        unlocked_campaign_ids={rule.campaign_id},
        coupon_campaigns=(("CODE", rule.campaign_id),),
        **context,
    ).coupons[0]


def test_coupon_short_of_its_spend_says_how_much_more():
    rule = campaign(
        "S",
        "spend_threshold",
        target(everything=True),
        threshold="150.00",
        amount="20.00",
        coupon=True,
        campaign_id=601,
    )
    coupon = unlocked(rule, [(1, 1)])
    assert coupon.reason == "spend_short"
    assert (coupon.hint.kind, coupon.hint.missing_amount) == ("spend_more", Decimal("50.00"))


def test_coupon_short_of_a_group_says_how_many_more():
    rule = campaign("M", "multibuy", [2], buy=3, pay=2, coupon=True, campaign_id=602)
    coupon = unlocked(rule, [(2, 2)])
    assert coupon.reason == "quantity_short"
    assert (coupon.hint.kind, coupon.hint.missing_quantity) == ("add_quantity", 1)


@pytest.mark.parametrize(
    ("scope", "context", "reason"),
    [
        ({"channels": [2]}, {"channel_id": 1}, "other_channel"),
        ({"stores": [7]}, {"channel_id": 1, "store_id": 8}, "other_store"),
        ({"groups": ["MEMBER"]}, {}, "customer_group"),
        ({"currency": "SEK"}, {}, "other_currency"),
        ({"valid_from": LATER}, {}, "not_started"),
        ({"valid_to": AT}, {}, "ended"),
    ],
)
def test_coupon_for_a_campaign_out_of_scope_says_where_it_is_valid(scope, context, reason):
    rule = campaign("C", "percent_off", [1], percent="10", coupon=True, campaign_id=603, **scope)
    coupon = unlocked(rule, [(1, 1)], **context)
    assert (coupon.applied, coupon.reason) == (False, reason)

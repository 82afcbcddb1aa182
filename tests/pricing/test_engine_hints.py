"""Hints: what to add to get a deal that did not (fully) apply."""

from decimal import Decimal

import pytest

from tests.pricing.builders import campaign, priced, product, target

PRODUCTS = [product(1), product(2, name="Phone case"), product(9, name="Tote bag")]
PRICES = {1: "20.00", 2: "15.00", 3: "10.00", 9: "5.00"}
EVERYTHING = target(everything=True)

# (case id, basket, campaigns, expected hints as (code, message, missing qty, missing amount))
CASES = [
    (
        "multibuy_one_short",
        [(1, 2)],
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)],
        [("3FOR2", "Add 1 more to get 3 for 2", 1, None)],
    ),
    (
        "multibuy_next_group_after_one_applied",
        [(1, 4)],
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)],
        [("3FOR2", "Add 2 more to get 3 for 2", 2, None)],
    ),
    (
        "multibuy_whole_groups_no_hint",
        [(1, 3)],
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)],
        [],
    ),
    (
        "multibuy_cap_reached_no_hint",
        [(1, 4)],
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2, max_applications=1)],
        [],
    ),
    (
        "multibuy_for_a_price",
        [(1, 1)],
        [campaign("2FOR30", "multibuy", [1], buy=2, price="30.00")],
        [("2FOR30", "Add 1 more to get 2 for 30.00", 1, None)],
    ),
    (
        "mix_and_match_counts_the_whole_set",
        [(1, 1), (3, 1)],
        [campaign("MIX", "mix_match", [1, 2, 3], buy=3, benefit="cheapest_free")],
        [("MIX", "Add 1 more to get 3 for 2", 1, None)],
    ),
    (
        "mix_and_match_cheapest_percent",
        [(1, 1)],
        [campaign("HALF", "mix_match", [1, 2], buy=2, percent="50", benefit="cheapest_percent")],
        [("HALF", "Add 1 more to get 50% off the cheapest of 2", 1, None)],
    ),
    (
        "mix_and_match_buy_4_pay_3",
        [(1, 2)],
        [campaign("4FOR3", "mix_match", [1, 2], buy=4, pay=3, benefit="cheapest_free")],
        [("4FOR3", "Add 2 more to get 4 for 3", 2, None)],
    ),
    (
        "spend_threshold_short",
        [(1, 1)],
        [campaign("S10", "spend_threshold", EVERYTHING, threshold="70.00", percent="10")],
        [("S10", "Spend 50.00 more for 10% off", None, Decimal("50.00"))],
    ),
    (
        "spend_threshold_amount_off",
        [(1, 1)],
        [campaign("S25", "spend_threshold", EVERYTHING, threshold="100.00", amount="25.00")],
        [("S25", "Spend 80.00 more for 25.00 off", None, Decimal("80.00"))],
    ),
    (
        "spend_threshold_reached_no_hint",
        [(1, 4)],
        [campaign("S10", "spend_threshold", EVERYTHING, threshold="70.00", percent="10")],
        [],
    ),
    (
        "bundle_missing_component",
        [(1, 1)],
        [campaign("KIT", "bundle", components=[target([1]), target([2])], price="30.00")],
        [("KIT", "Add Phone case to complete the bundle", 1, None)],
    ),
    (
        "gift_not_in_basket",
        [(1, 1)],
        [campaign("TOTE", "gift_with_purchase", EVERYTHING, gift=9)],
        [("TOTE", "Add Tote bag \N{EN DASH} it's free with your purchase", 1, None)],
    ),
    (
        "gift_spend_short",
        [(1, 1), (9, 1)],
        [campaign("TOTE", "gift_with_purchase", EVERYTHING, gift=9, threshold="50.00")],
        [("TOTE", "Spend 30.00 more for a free Tote bag", None, Decimal("30.00"))],
    ),
    (
        "gift_given_no_hint",
        [(1, 1), (9, 1)],
        [campaign("TOTE", "gift_with_purchase", EVERYTHING, gift=9)],
        [],
    ),
    (
        "locked_coupon_campaign_gives_no_hint",
        [(1, 2)],
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2, coupon=True)],
        [],
    ),
]


@pytest.mark.parametrize(
    ("basket", "campaigns", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_hints(basket, campaigns, expected):
    result = priced(basket, PRICES, campaigns, products=PRODUCTS)
    assert [
        (h.campaign_code, h.message, h.missing_quantity, h.missing_amount) for h in result.hints
    ] == expected

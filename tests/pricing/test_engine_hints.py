"""Hints: what to add or spend to get a deal, structured, only when it can be met, ranked.

The words are rendered outside the engine (tests/pricing/test_api_hints.py);
here each hint is (kind, campaign, target (type, code, name), missing
quantity, missing amount, reward amount).
"""

from decimal import Decimal

import pytest

from pricing.engine.types import Named, References
from tests.pricing.builders import campaign, priced, product, target

PRODUCTS = [
    product(1, categories={10}, brand=5),
    product(2, name="Phone case"),
    product(3, categories={10}),
    product(9, name="Tote bag"),
]
PRICES = {1: "20.00", 2: "15.00", 3: "10.00", 9: "5.00"}
EVERYTHING = target(everything=True)
NAMES = References(
    names={
        ("category", 10): Named("COFFEE", "Coffee"),
        ("brand", 5): Named("DUGG", "Dugg"),
        ("product", 7): Named("SKU7", "Lid"),
    }
)
P1 = ("product", "SKU1", "Product 1")
BASKET = ("basket", "", "")


def D(value):
    return None if value is None else Decimal(value)


# (case id, basket, campaigns, expected hints)
CASES = [
    (
        "multibuy_one_short_names_the_product",
        [(1, 2)],
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)],
        [("add_quantity", "3FOR2", P1, 1, None, "20.00")],
    ),
    (
        "multibuy_next_group_after_one_applied",
        [(1, 4)],
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)],
        [("add_quantity", "3FOR2", P1, 2, None, "20.00")],
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
        "multibuy_for_a_price_unlocks_the_difference",
        [(1, 1)],
        [campaign("2FOR30", "multibuy", [1], buy=2, price="30.00")],
        [("add_quantity", "2FOR30", P1, 1, None, "10.00")],
    ),
    (
        "multibuy_for_a_price_that_saves_nothing_no_hint",
        [(1, 1)],
        [campaign("2FOR45", "multibuy", [1], buy=2, price="45.00")],
        [],
    ),
    (
        "multibuy_picks_the_product_closest_to_a_group",
        [(1, 1), (3, 2)],
        [campaign("3FOR2", "multibuy", [1, 3], buy=3, pay=2)],
        [("add_quantity", "3FOR2", ("product", "SKU3", "Product 3"), 1, None, "10.00")],
    ),
    (
        "mix_and_match_on_a_category_names_the_category",
        [(1, 1), (3, 1)],
        [campaign("MIX", "mix_match", target(categories={10}), buy=3, benefit="cheapest_free")],
        [("add_quantity", "MIX", ("category", "COFFEE", "Coffee"), 1, None, "10.00")],
    ),
    (
        "mix_and_match_on_products_names_the_dearest_in_the_basket",
        [(1, 1), (3, 1)],
        [campaign("MIX", "mix_match", [1, 2, 3], buy=3, benefit="cheapest_free")],
        [("add_quantity", "MIX", P1, 1, None, "10.00")],
    ),
    (
        "mix_and_match_cheapest_percent",
        [(1, 1)],
        [campaign("HALF", "mix_match", [1, 2], buy=2, percent="50", benefit="cheapest_percent")],
        [("add_quantity", "HALF", P1, 1, None, "10.00")],
    ),
    (
        "spend_threshold_on_the_basket",
        [(1, 1)],
        [campaign("S10", "spend_threshold", EVERYTHING, threshold="70.00", percent="10")],
        [("spend_more", "S10", BASKET, None, "50.00", "7.00")],
    ),
    (
        "spend_threshold_amount_off",
        [(1, 1)],
        [campaign("S25", "spend_threshold", EVERYTHING, threshold="100.00", amount="25.00")],
        [("spend_more", "S25", BASKET, None, "80.00", "25.00")],
    ),
    (
        "spend_threshold_on_a_brand_names_the_brand",
        [(1, 1)],
        [campaign("DUGG", "spend_threshold", target(brands={5}), threshold="50.00", amount="5.00")],
        [("spend_more", "DUGG", ("brand", "DUGG", "Dugg"), None, "30.00", "5.00")],
    ),
    (
        "spend_threshold_reached_no_hint",
        [(1, 4)],
        [campaign("S10", "spend_threshold", EVERYTHING, threshold="70.00", percent="10")],
        [],
    ),
    (
        "repeating_spend_hints_the_next_step",
        [(1, 2), (3, 1)],  # 50.00: one step of 30.00, 10.00 short of the second
        [
            campaign(
                "PER30",
                "spend_threshold",
                EVERYTHING,
                amount="5.00",
                threshold="30.00",
                repeats=True,
                max_applications=3,
            )
        ],
        [("spend_more", "PER30", BASKET, None, "10.00", "5.00")],
    ),
    (
        "repeating_spend_at_its_cap_no_hint",
        [(1, 5)],  # 100.00: three steps, the cap
        [
            campaign(
                "PER30",
                "spend_threshold",
                EVERYTHING,
                amount="5.00",
                threshold="30.00",
                repeats=True,
                max_applications=3,
            )
        ],
        [],
    ),
    (
        "bundle_names_the_missing_product",
        [(1, 1)],
        [campaign("KIT", "bundle", components=[target([1]), target([2])], price="30.00")],
        [("complete_bundle", "KIT", ("product", "SKU2", "Phone case"), 1, None, "5.00")],
    ),
    (
        "bundle_missing_a_product_not_sold_here_no_hint",
        [(1, 1)],
        [campaign("KIT", "bundle", components=[target([1]), target([7])], price="20.00")],
        [],
    ),
    (
        "gift_not_in_basket_names_the_gift",
        [(1, 1)],
        [campaign("TOTE", "gift_with_purchase", EVERYTHING, gift=9)],
        [("add_gift", "TOTE", ("product", "SKU9", "Tote bag"), 1, None, "5.00")],
    ),
    (
        "gift_spend_short_names_the_basket",
        [(1, 1), (9, 1)],
        [campaign("TOTE", "gift_with_purchase", EVERYTHING, gift=9, threshold="50.00")],
        [("spend_more", "TOTE", BASKET, None, "30.00", "5.00")],
    ),
    (
        "gift_not_sold_here_no_hint",
        [(1, 1)],
        [campaign("LID", "gift_with_purchase", EVERYTHING, gift=7)],
        [],
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


def shape(hint):
    target = (hint.target.type, hint.target.code, hint.target.name)
    return (
        hint.kind,
        hint.campaign_code,
        target,
        hint.missing_quantity,
        str(hint.missing_amount) if hint.missing_amount is not None else None,
        str(hint.reward.amount),
    )


@pytest.mark.parametrize(
    ("basket", "campaigns", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_hints(basket, campaigns, expected):
    result = priced(basket, PRICES, campaigns, products=PRODUCTS, references=NAMES)
    assert [shape(h) for h in result.hints] == expected


def test_hints_describe_their_reward():
    result = priced(
        [(1, 2)],
        PRICES,
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)],
        products=PRODUCTS,
    )
    (hint,) = result.hints
    assert (hint.reward.kind, hint.reward.size, hint.reward.pay) == ("free_units", 3, 2)


FOUR_DEALS = [
    campaign("SMALL", "spend_threshold", EVERYTHING, threshold="100.00", amount="2.00"),
    campaign("BIG", "spend_threshold", EVERYTHING, threshold="200.00", amount="40.00"),
    campaign("3FOR2", "multibuy", [1], buy=3, pay=2),
    campaign("TOTE", "gift_with_purchase", EVERYTHING, gift=9, priority=5),
    campaign("TOTE2", "gift_with_purchase", EVERYTHING, gift=9),
]


def test_hints_are_ranked_by_the_discount_they_unlock_and_cut_at_three():
    result = priced([(1, 1)], PRICES, FOUR_DEALS, products=PRODUCTS)
    # 40.00, 20.00, then two gifts of 5.00: the higher priority first; 2.00 left out.
    assert [(h.campaign_code, str(h.reward.amount)) for h in result.hints] == [
        ("BIG", "40.00"),
        ("3FOR2", "20.00"),
        ("TOTE", "5.00"),
    ]


@pytest.mark.parametrize(("limit", "count"), [(0, 0), (1, 1), (20, 5)])
def test_hints_limit_is_the_context_s(limit, count):
    result = priced([(1, 1)], PRICES, FOUR_DEALS, products=PRODUCTS, hint_limit=limit)
    assert len(result.hints) == count
    if count:
        assert result.hints[0].campaign_code == "BIG"

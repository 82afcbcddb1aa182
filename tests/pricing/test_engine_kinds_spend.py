"""Spend-based kinds: spend threshold (basket level) and gift with purchase."""

import pytest

from tests.pricing.builders import campaign, discounts, priced, product, target, totals

# Products 1 and 2 are in category 100 ("shoes"), 3 is not; 9 is the gift (a tote bag).
PRODUCTS = [product(1, categories={100}), product(2, categories={100}), product(3)]
PRICES = {1: "60.00", 2: "40.00", 3: "25.00", 9: "15.00"}
EVERYTHING = target(everything=True)

# (case id, basket, campaigns, expected line totals, expected discount per campaign)
CASES = [
    (
        "threshold_reached_percent_off_spread_by_price",
        [(1, 1), (2, 1)],
        [campaign("S10", "spend_threshold", EVERYTHING, threshold="100.00", percent="10")],
        ["54.00", "36.00"],
        {"S10": "10.00"},
    ),
    (
        "threshold_missed_by_a_cent",
        [(1, 1), (2, 1)],
        [campaign("S10", "spend_threshold", EVERYTHING, threshold="100.01", percent="10")],
        ["60.00", "40.00"],
        {},
    ),
    (
        "threshold_amount_off_allocated_in_whole_cents",
        [(1, 1), (2, 1), (3, 1)],
        [campaign("S20", "spend_threshold", EVERYTHING, threshold="100.00", amount="20.00")],
        ["50.40", "33.60", "21.00"],
        {"S20": "20.00"},
    ),
    (
        "threshold_amount_never_more_than_the_spend",
        [(3, 1)],
        [campaign("S50", "spend_threshold", EVERYTHING, amount="50.00")],
        ["0.00"],
        {"S50": "25.00"},
    ),
    (
        "threshold_on_a_category_counts_and_discounts_only_it",
        [(1, 1), (3, 4)],
        [
            campaign(
                "SHOES", "spend_threshold", target(categories={100}), threshold="50", percent="50"
            )
        ],
        ["30.00", "100.00"],
        {"SHOES": "30.00"},
    ),
    (
        "threshold_measures_spend_after_line_discounts",
        [(1, 1), (2, 1)],
        [
            campaign("P10", "percent_off", [1], percent="10", stacking="compound"),
            campaign("S10", "spend_threshold", EVERYTHING, threshold="100.00", percent="10"),
        ],
        ["54.00", "40.00"],
        {"P10": "6.00"},
    ),
    (
        "gift_free_when_spend_reached_and_gift_in_basket",
        [(1, 1), (2, 1), (9, 1)],
        [campaign("TOTE", "gift_with_purchase", target(categories={100}), threshold="100", gift=9)],
        ["60.00", "40.00", "0.00"],
        {"TOTE": "15.00"},
    ),
    (
        "gift_not_given_below_the_spend",
        [(1, 1), (9, 1)],
        [campaign("TOTE", "gift_with_purchase", target(categories={100}), threshold="100", gift=9)],
        ["60.00", "15.00"],
        {},
    ),
    (
        "gift_without_threshold_needs_one_qualifying_item",
        [(3, 1), (9, 2)],
        [campaign("TOTE", "gift_with_purchase", [3], gift=9)],
        ["25.00", "15.00"],
        {"TOTE": "15.00"},
    ),
    (
        "gift_quantity_makes_several_free",
        [(3, 1), (9, 3)],
        [campaign("TOTE", "gift_with_purchase", [3], gift=9, gift_quantity=2)],
        ["25.00", "15.00"],
        {"TOTE": "30.00"},
    ),
    (
        "gift_does_not_count_towards_its_own_threshold",
        [(3, 1), (9, 2)],
        [campaign("TOTE", "gift_with_purchase", EVERYTHING, threshold="50.00", gift=9)],
        ["25.00", "30.00"],
        {},  # 25.00 + 15.00 besides the free tote: short of 50.00
    ),
    (
        "gift_alone_is_not_a_purchase",
        [(9, 1)],
        [campaign("TOTE", "gift_with_purchase", EVERYTHING, gift=9)],
        ["15.00"],
        {},
    ),
]


@pytest.mark.parametrize(
    ("basket", "campaigns", "line_totals", "by_campaign"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_spend_kind(basket, campaigns, line_totals, by_campaign):
    result = priced(basket, PRICES, campaigns, products=PRODUCTS)
    assert totals(result) == line_totals
    assert discounts(result) == by_campaign


def test_basket_level_discount_is_listed_on_every_line_it_touched():
    result = priced(
        [(1, 1), (2, 1)],
        PRICES,
        [campaign("S10", "spend_threshold", EVERYTHING, threshold="100.00", percent="10")],
        products=PRODUCTS,
    )
    assert [
        [(d.campaign_code, str(d.amount)) for d in line.discounts] for line in result.lines
    ] == [
        [("S10", "6.00")],
        [("S10", "4.00")],
    ]

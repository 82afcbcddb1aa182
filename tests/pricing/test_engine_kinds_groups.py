"""Group kinds: multibuy, mix & match and bundle."""

import pytest

from tests.pricing.builders import campaign, discounts, priced, product, target, totals

# Product 1 is in category 100, product 2 of brand 200, product 3 in set 300.
PRODUCTS = [product(1, categories={100}), product(2, brand=200), product(3, sets={300})]

# (case id, basket, prices, campaigns, expected line totals, expected discount per campaign)
CASES = [
    (
        "multibuy_3_for_2",
        [(1, 3)],
        {1: "20.00"},
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)],
        ["40.00"],
        {"3FOR2": "20.00"},
    ),
    (
        "multibuy_leftover_pays_full_price",
        [(1, 5)],
        {1: "20.00"},
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)],
        ["80.00"],
        {"3FOR2": "20.00"},
    ),
    (
        "multibuy_repeats_for_every_group",
        [(1, 9)],
        {1: "20.00"},
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)],
        ["120.00"],
        {"3FOR2": "60.00"},
    ),
    (
        "multibuy_max_applications_caps_groups",
        [(1, 9)],
        {1: "20.00"},
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2, max_applications=2)],
        ["140.00"],
        {"3FOR2": "40.00"},
    ),
    (
        "multibuy_never_mixes_products",
        [(1, 2), (2, 1)],
        {1: "20.00", 2: "20.00"},
        [campaign("3FOR2", "multibuy", [1, 2], buy=3, pay=2)],
        ["40.00", "20.00"],
        {},
    ),
    (
        "multibuy_counts_one_product_over_two_lines",
        [(1, 2), (1, 1)],
        {1: "20.00"},
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)],
        ["26.66", "13.34"],
        {"3FOR2": "20.00"},
    ),
    (
        "multibuy_n_for_a_price",
        [(1, 4)],
        {1: "15.00"},
        [campaign("2FOR25", "multibuy", [1], buy=2, price="25.00")],
        ["50.00"],
        {"2FOR25": "10.00"},
    ),
    (
        "multibuy_n_for_a_price_that_is_no_saving",
        [(1, 3)],
        {1: "33.33"},
        [campaign("3FOR100", "multibuy", [1], buy=3, price="100.00")],
        ["99.99"],
        {},
    ),
    (
        "mix_3_for_2_on_mixed_prices_frees_the_3rd_and_6th_dearest",
        [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1)],
        {1: "60.00", 2: "50.00", 3: "40.00", 4: "30.00", 5: "20.00", 6: "10.00"},
        [campaign("MIX", "mix_match", range(1, 7), buy=3, benefit="cheapest_free")],
        ["44.00", "36.67", "29.33", "25.00", "16.67", "8.33"],
        {"MIX": "50.00"},
    ),
    (
        "mix_leftover_below_a_group_pays",
        [(1, 1), (2, 1), (3, 1), (4, 1)],
        {1: "60.00", 2: "50.00", 3: "40.00", 4: "30.00"},
        [campaign("MIX", "mix_match", [1, 2, 3, 4], buy=3, benefit="cheapest_free")],
        ["44.00", "36.67", "29.33", "30.00"],
        {"MIX": "40.00"},
    ),
    (
        "mix_buy_4_pay_2_frees_the_two_cheapest_of_each_group",
        [(1, 2), (2, 2)],
        {1: "50.00", 2: "10.00"},
        [campaign("MIX", "mix_match", [1, 2], buy=4, pay=2, benefit="cheapest_free")],
        ["83.34", "16.66"],
        {"MIX": "20.00"},
    ),
    (
        "mix_group_for_a_price_spread_by_price",
        [(1, 1), (2, 1), (3, 1)],
        {1: "60.00", 2: "30.00", 3: "30.00"},
        [campaign("MIX", "mix_match", [1, 2, 3], buy=3, price="90.00", benefit="fixed_price")],
        ["45.00", "22.50", "22.50"],
        {"MIX": "30.00"},
    ),
    (
        "mix_cheapest_percent_off",
        [(1, 1), (2, 1)],
        {1: "60.00", 2: "25.55"},
        [campaign("MIX", "mix_match", [1, 2], buy=2, percent="50", benefit="cheapest_percent")],
        ["51.04", "21.73"],
        {"MIX": "12.78"},  # 50 % of 25.55 = 12.775 -> 12.78
    ),
    (
        "mix_matches_by_category_brand_and_set",
        [(1, 1), (2, 1), (3, 1)],
        {1: "30.00", 2: "20.00", 3: "10.00"},
        [
            campaign(
                "MIX",
                "mix_match",
                target(categories={100}, brands={200}, sets={300}),
                buy=3,
                benefit="cheapest_free",
            )
        ],
        ["25.00", "16.67", "8.33"],
        {"MIX": "10.00"},
    ),
    (
        "mix_exclusion_wins_over_inclusion",
        [(1, 1), (2, 1), (3, 1)],
        {1: "30.00", 2: "20.00", 3: "10.00"},
        [
            campaign(
                "MIX",
                "mix_match",
                target(categories={100}, brands={200}, sets={300}, exclude={3}),
                buy=3,
                benefit="cheapest_free",
            )
        ],
        ["30.00", "20.00", "10.00"],
        {},
    ),
    (
        "bundle_complete_set_costs_its_price",
        [(1, 1), (2, 1), (3, 1)],
        {1: "60.00", 2: "30.00", 3: "10.00"},
        [campaign("KIT", "bundle", components=[target([1]), target([2])], price="72.00")],
        ["48.00", "24.00", "10.00"],
        {"KIT": "18.00"},
    ),
    (
        "bundle_component_quantities_and_repeats",
        [(1, 2), (2, 5)],
        {1: "60.00", 2: "10.00"},
        [
            campaign(
                "KIT", "bundle", components=[target([1]), target([2], quantity=2)], price="60.00"
            )
        ],
        ["90.00", "40.00"],
        {"KIT": "40.00"},  # two sets of 80.00 for 60.00
    ),
    (
        "bundle_incomplete_set_pays_full_price",
        [(1, 1)],
        {1: "60.00", 2: "30.00"},
        [campaign("KIT", "bundle", components=[target([1]), target([2])], price="72.00")],
        ["60.00"],
        {},
    ),
    (
        "bundle_that_is_no_saving_is_skipped",
        [(1, 1), (2, 1)],
        {1: "60.00", 2: "30.00"},
        [campaign("KIT", "bundle", components=[target([1]), target([2])], price="95.00")],
        ["60.00", "30.00"],
        {},
    ),
]


@pytest.mark.parametrize(
    ("basket", "prices", "campaigns", "line_totals", "by_campaign"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_group_kind(basket, prices, campaigns, line_totals, by_campaign):
    result = priced(basket, prices, campaigns, products=PRODUCTS)
    assert totals(result) == line_totals
    assert discounts(result) == by_campaign

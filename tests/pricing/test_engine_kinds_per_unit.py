"""Per-unit kinds: percent off, amount off, fixed price."""

import pytest

from tests.pricing.builders import campaign, discounts, priced, totals

PRICES = {1: "100.00", 2: "30.00", 3: "5.00"}

# (case id, basket, campaigns, expected line totals, expected discount per campaign)
CASES = [
    (
        "percent_off_each_targeted_line",
        [(1, 1), (2, 2), (3, 1)],
        [campaign("P20", "percent_off", [1, 2], percent="20")],
        ["80.00", "48.00", "5.00"],
        {"P20": "32.00"},
    ),
    (
        "percent_off_is_rounded_per_unit",
        [(1, 1), (3, 3)],
        [campaign("P33", "percent_off", [3], percent="33.33")],
        ["100.00", "9.99"],
        # 33.33 % of 5.00 = 1.6665 -> 1.67 a unit: 3.33 each, the price the shelf shows.
        {"P33": "5.01"},
    ),
    (
        "percent_off_100_makes_it_free",
        [(2, 2)],
        [campaign("FREE", "percent_off", [2], percent="100")],
        ["0.00"],
        {"FREE": "60.00"},
    ),
    (
        "percent_off_capped_takes_the_dearest_units",
        [(2, 2), (1, 1)],
        [campaign("P10", "percent_off", [1, 2], percent="10", max_applications=2)],
        ["57.00", "90.00"],
        {"P10": "13.00"},
    ),
    (
        "amount_off_each_unit",
        [(1, 2), (2, 1)],
        [campaign("A10", "amount_off", [1, 2], amount="10.00")],
        ["180.00", "20.00"],
        {"A10": "30.00"},
    ),
    (
        "amount_off_never_below_zero",
        [(3, 2)],
        [campaign("A10", "amount_off", [3], amount="10.00")],
        ["0.00"],
        {"A10": "10.00"},
    ),
    (
        "amount_off_capped_units",
        [(2, 3)],
        [campaign("A10", "amount_off", [2], amount="10.00", max_applications=1)],
        ["80.00"],
        {"A10": "10.00"},
    ),
    (
        "fixed_price_each_unit",
        [(1, 2)],
        [campaign("FIX", "fixed_price", [1], price="79.95")],
        ["159.90"],
        {"FIX": "40.10"},
    ),
    (
        "fixed_price_only_where_it_is_cheaper",
        [(1, 1), (3, 1)],
        [campaign("FIX", "fixed_price", [1, 3], price="25.00")],
        ["25.00", "5.00"],
        {"FIX": "75.00"},
    ),
    (
        "fixed_price_above_price_does_nothing",
        [(3, 1)],
        [campaign("FIX", "fixed_price", [3], price="9.00")],
        ["5.00"],
        {},
    ),
    (
        "untargeted_products_pay_full_price",
        [(3, 4)],
        [campaign("P20", "percent_off", [1], percent="20")],
        ["20.00"],
        {},
    ),
]


@pytest.mark.parametrize(
    ("basket", "campaigns", "line_totals", "by_campaign"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_per_unit_kind(basket, campaigns, line_totals, by_campaign):
    result = priced(basket, PRICES, campaigns)
    assert totals(result) == line_totals
    assert discounts(result) == by_campaign


def test_percent_off_explains_the_discount_on_the_line():
    result = priced(
        [(1, 1)], PRICES, [campaign("P20", "percent_off", [1], percent="20", text="20 % rabat")]
    )
    (discount,) = result.lines[0].discounts
    assert (discount.campaign_code, discount.kind, discount.text, str(discount.amount)) == (
        "P20",
        "percent_off",
        "20 % rabat",
        "20.00",
    )
    assert result.applied_campaigns == ("P20",)

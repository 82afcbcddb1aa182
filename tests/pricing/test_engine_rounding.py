"""Rounding and allocation: half-up at each application, whole cents on every unit.

Each application's discount is rounded half-up to the minor unit, then split
over the units it used in proportion to their weights (largest remainder), so
unit prices stay whole cents, line totals are exact and add up to the basket
total.  Ties between equal remainders go to the larger weight, then the lower
line.
"""

from decimal import Decimal

import pytest

from pricing.engine.allocation import allocate
from pricing.engine.units import Take, Unit
from tests.pricing.builders import campaign, discounts, priced, target, totals

EVERYTHING = target(everything=True)

# (case id, basket, prices, campaigns, expected line totals, expected discount per campaign)
CASES = [
    (
        "ten_percent_of_3_x_33_33_is_30_00_a_unit",
        [(1, 3)],
        {1: "33.33"},
        [campaign("P10", "percent_off", [1], percent="10")],
        ["90.00"],  # 3.33 off each unit: 30.00, the campaign price shown for one
        {"P10": "9.99"},
    ),
    (
        "ten_percent_per_line_is_rounded_per_line",
        [(1, 1), (2, 1), (3, 1)],
        {1: "33.33", 2: "33.33", 3: "33.33"},
        [campaign("P10", "percent_off", [1, 2, 3], percent="10")],
        ["30.00", "30.00", "30.00"],
        {"P10": "9.99"},
    ),
    (
        "ten_percent_of_the_basket_is_rounded_once_then_split",
        [(1, 1), (2, 1), (3, 1)],
        {1: "33.33", 2: "33.33", 3: "33.33"},
        [campaign("S10", "spend_threshold", EVERYTHING, percent="10")],
        ["29.99", "30.00", "30.00"],
        {"S10": "10.00"},
    ),
    (
        "ten_off_three_equal_lines_leftover_cent_to_the_first",
        [(1, 1), (2, 1), (3, 1)],
        {1: "10.00", 2: "10.00", 3: "10.00"},
        [campaign("S10", "spend_threshold", EVERYTHING, amount="10.00")],
        ["6.66", "6.67", "6.67"],
        {"S10": "10.00"},
    ),
    (
        "leftover_cent_to_the_largest_remainder",
        [(1, 1), (2, 1)],
        {1: "0.03", 2: "0.07"},
        [campaign("S5", "spend_threshold", EVERYTHING, amount="0.05")],
        # Exact shares 0.015 and 0.035: equal remainders, the larger weight gets the cent.
        ["0.02", "0.03"],
        {"S5": "0.05"},
    ),
    (
        "group_price_spread_by_price_in_whole_cents",
        [(1, 1), (2, 1), (3, 1)],
        {1: "9.99", 2: "4.99", 3: "0.02"},
        [campaign("MIX", "mix_match", [1, 2, 3], buy=3, price="10.00", benefit="fixed_price")],
        ["6.66", "3.33", "0.01"],
        {"MIX": "5.00"},
    ),
    (
        "half_cent_rounds_up",
        [(1, 1)],
        {1: "0.05"},
        [campaign("P10", "percent_off", [1], percent="10")],
        ["0.04"],
        {"P10": "0.01"},  # 0.005 -> 0.01
    ),
]


@pytest.mark.parametrize(
    ("basket", "prices", "campaigns", "line_totals", "by_campaign"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_rounding(basket, prices, campaigns, line_totals, by_campaign):
    result = priced(basket, prices, campaigns)
    assert totals(result) == line_totals
    assert discounts(result) == by_campaign
    assert sum(line.total for line in result.lines) == result.total
    assert result.subtotal - result.discount_total == result.total


def _take(line, price, count, weight, mode=0):
    unit = Unit(Decimal(price), mode, line, 1, count, 0)
    return Take(unit, count, Decimal(weight))


# (case id, discount in cents, takes, expected (count_plus, count_base, base) per take)
ALLOCATIONS = [
    ("one_slot_even", 300, [_take(0, "2.00", 3, "2.00")], [(0, 3, 100)]),
    ("one_slot_remainder_one_cent_each", 1000, [_take(0, "33.33", 3, "33.33")], [(1, 2, 333)]),
    (
        "by_weight",
        500,
        [_take(0, "9.99", 1, "9.99"), _take(1, "4.99", 1, "4.99"), _take(2, "0.02", 1, "0.02")],
        [(0, 1, 333), (0, 1, 166), (1, 0, 0)],
    ),
    (
        "zero_weight_units_get_nothing",
        1000,
        [_take(0, "30.00", 2, "0"), _take(0, "10.00", 1, "10.00")],
        [(0, 2, 0), (0, 1, 1000)],
    ),
    (
        "equal_remainders_lower_line_first",
        100,
        [_take(2, "1.00", 1, "1.00"), _take(1, "1.00", 1, "1.00"), _take(0, "1.00", 1, "1.00")],
        [(0, 1, 33), (0, 1, 33), (1, 0, 33)],
    ),
]


@pytest.mark.parametrize(
    ("discount", "takes", "expected"),
    [c[1:] for c in ALLOCATIONS],
    ids=[c[0] for c in ALLOCATIONS],
)
def test_allocate_largest_remainder(discount, takes, expected):
    parts = allocate(discount, takes, 2)
    assert parts == expected
    assert sum((plus * (base + 1) + rest * base) for plus, rest, base in parts) == discount


def test_allocate_refuses_more_than_the_weights():
    with pytest.raises(ValueError, match="exceeds"):
        allocate(301, [_take(0, "1.00", 3, "1.00")], 2)

"""VAT breakdown: derived per line from its VAT-inclusive total, summed per rate."""

from decimal import Decimal

import pytest

from tests.pricing.builders import campaign, priced, product

PRODUCTS = [
    product(1, vat="25"),
    product(2, vat="25"),
    product(3, vat="12"),
    product(4, vat="0"),
]
PRICES = {1: "100.00", 2: "33.33", 3: "10.00", 4: "5.00"}

# (case id, basket, campaigns, expected per-line VAT, expected (rate, gross, net, vat) per rate)
CASES = [
    (
        "one_rate",
        [(1, 1)],
        [],
        ["20.00"],
        [("25", "100.00", "80.00", "20.00")],
    ),
    (
        "three_rates_ascending",
        [(1, 1), (3, 1), (4, 2)],
        [],
        ["20.00", "1.07", "0.00"],
        [
            ("0", "10.00", "10.00", "0.00"),
            ("12", "10.00", "8.93", "1.07"),
            ("25", "100.00", "80.00", "20.00"),
        ],
    ),
    (
        "vat_follows_the_discounted_total",
        [(2, 3)],
        [campaign("P10", "percent_off", [2], percent="10")],
        ["18.00"],  # 90.00 * 25 / 125 (10 % off 33.33 is 30.00 a unit)
        [("25", "90.00", "72.00", "18.00")],
    ),
    (
        "rate_total_is_the_sum_of_the_rounded_lines",
        [(1, 1), (2, 1)],
        [campaign("FIX", "fixed_price", [1, 2], price="0.03")],
        ["0.01", "0.01"],  # 0.006 each; 0.06 at once would round to 0.01
        [("25", "0.06", "0.04", "0.02")],
    ),
]


@pytest.mark.parametrize(
    ("basket", "campaigns", "line_vat", "breakdown"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_vat_breakdown(basket, campaigns, line_vat, breakdown):
    result = priced(basket, PRICES, campaigns, products=PRODUCTS)
    assert [str(line.vat_amount) for line in result.lines] == line_vat
    assert [(str(v.rate), str(v.gross), str(v.net), str(v.vat)) for v in result.vat] == breakdown
    assert sum((v.gross for v in result.vat), Decimal(0)) == result.total

"""The same goods, however split into lines and in whatever line order, price the same.

Each application's discount is rounded once and shared by the units taking
part in proportion to their price, so the total, what each SKU pays and
what each unit pays (hence what a return of it refunds) cannot depend on
whether a till scans item by item or a webshop sends one line per product.
"""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing.engine import price_basket
from tests.pricing.builders import campaign, context, lines, priced, product, rules
from tests.pricing.test_engine_properties import CATALOGUE, PRODUCTS, a_campaign, money

# ---- the examples -----------------------------------------------------------------

# 10 % of 3 x 33.33 is rounded once for the SKU: 9.999 -> 10.00 off, 89.99, as one
# line of 3 and as three lines of 1 alike (it was 89.99 and 90.00).

# (case id, basket, prices, campaigns, line totals, unit paid per line, campaign totals)
CASES = [
    (
        "percent_off_one_line_of_three",
        [(1, 3)],
        {1: "33.33"},
        [campaign("TEN", "percent_off", [1], percent="10")],
        ["90.00"],
        [["30.00", "30.00", "30.00"]],
        {"TEN": "9.99"},
    ),
    (
        "percent_off_three_lines_of_one_rounds_per_unit_as_one_line",
        [(1, 1), (1, 1), (1, 1)],
        {1: "33.33"},
        [campaign("TEN", "percent_off", [1], percent="10")],
        ["30.00", "30.00", "30.00"],
        [["30.00"], ["30.00"], ["30.00"]],
        {"TEN": "9.99"},
    ),
    (
        "multibuy_3_for_2_over_two_lines_shares_the_free_unit",
        [(1, 2), (1, 1)],
        {1: "30.00"},
        [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)],
        ["40.00", "20.00"],
        [["20.00", "20.00"], ["20.00"]],
        {"3FOR2": "30.00"},
    ),
    (
        "mix_3_for_2_shares_the_deal_by_price",
        [(1, 1), (2, 1), (3, 1)],
        {1: "50.00", 2: "30.00", 3: "20.00"},
        [campaign("MIX", "mix_match", [1, 2, 3], buy=3, benefit="cheapest_free")],
        ["40.00", "24.00", "16.00"],
        [["40.00"], ["24.00"], ["16.00"]],
        {"MIX": "20.00"},
    ),
]
PRODUCTS_123 = [product(1), product(2), product(3)]


@pytest.mark.parametrize(
    ("basket", "prices", "campaigns", "line_totals", "unit_paid", "by_campaign"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_engine_splits_examples(basket, prices, campaigns, line_totals, unit_paid, by_campaign):
    result = priced(basket, prices, campaigns, products=PRODUCTS_123)
    assert [str(line.total) for line in result.lines] == line_totals
    assert [[str(u) for u in line.unit_paid] for line in result.lines] == unit_paid
    assert {c.campaign_code: str(c.amount) for c in result.campaigns} == by_campaign


def test_engine_splits_3_for_2_says_which_units_formed_the_application():
    result = priced(
        [(1, 2), (1, 1)], {1: "30.00"}, [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)]
    )
    (application,) = result.applications
    assert application.campaign_code == "3FOR2"
    assert application.amount == Decimal("30.00")
    assert application.times == 1
    assert [(u.line_id, u.quantity) for u in application.units] == [("1", 2), ("2", 1)]
    (total,) = result.campaigns
    assert (total.campaign_code, total.amount, total.applications) == ("3FOR2", Decimal("30.00"), 1)


def test_engine_splits_repeated_groups_are_one_application_shape_with_times():
    result = priced([(1, 9)], {1: "20.00"}, [campaign("3FOR2", "multibuy", [1], buy=3, pay=2)])
    (application,) = result.applications
    assert application.times == 3
    assert [(u.line_id, u.quantity) for u in application.units] == [("1", 3)]
    assert result.campaigns[0].amount == Decimal("60.00")
    assert result.campaigns[0].applications == 3


# ---- the property -------------------------------------------------------------------------


@st.composite
def goods_and_two_splits(draw):
    """Goods (product -> quantity), prices, campaigns, and two random splits into lines."""
    goods = draw(
        st.dictionaries(st.sampled_from(PRODUCTS), st.integers(1, 6), min_size=1, max_size=4)
    )
    prices = {pid: draw(money) for pid in PRODUCTS}
    campaigns = [draw(a_campaign(number)) for number in range(1, draw(st.integers(1, 4)) + 1)]
    rnd = draw(st.randoms(use_true_random=False))
    return goods, prices, campaigns, split(goods, rnd), split(goods, rnd)


def split(goods: dict[int, int], rnd: random.Random) -> list[tuple[int, int]]:
    """``goods`` as lines of random quantities, in random order."""
    basket = []
    for pid, quantity in goods.items():
        while quantity:
            part = rnd.randint(1, quantity)
            basket.append((pid, part))
            quantity -= part
    rnd.shuffle(basket)
    return basket


def price(basket, prices, campaigns):
    return price_basket(
        lines=lines(*basket),
        context=context(),
        rules=rules({pid: str(a) for pid, a in prices.items()}, campaigns, products=CATALOGUE),
    )


def per_sku(result):
    """Per SKU: what it pays in all and what each of its units pays (as a multiset)."""
    paid: Counter = Counter()
    units: dict[str, list[Decimal]] = {}
    for line in result.lines:
        paid[line.sku] += line.total
        units.setdefault(line.sku, []).extend(line.unit_paid)
    return dict(paid), {sku: sorted(shares) for sku, shares in units.items()}


@settings(max_examples=300, deadline=None)
@given(goods_and_two_splits())
def test_engine_splits_same_goods_same_total_same_sku_amounts_same_unit_shares(case):
    _goods, prices, campaigns, first, second = case
    one, other = price(first, prices, campaigns), price(second, prices, campaigns)
    assert one.total == other.total
    assert per_sku(one) == per_sku(other)
    assert [(c.campaign_code, c.amount, c.applications) for c in one.campaigns] == [
        (c.campaign_code, c.amount, c.applications) for c in other.campaigns
    ]
    for result in (one, other):
        for line in result.lines:
            assert len(line.unit_paid) == line.quantity
            assert sum(line.unit_paid, Decimal(0)) == line.total
        for c in result.campaigns:
            uses = [a for a in result.applications if a.campaign_code == c.campaign_code]
            assert sum(a.amount * a.times for a in uses) == c.amount

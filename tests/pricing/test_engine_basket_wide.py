"""Basket-wide offers and ``max_applications`` for every kind where it means something.

A spend threshold or gift without targets of its own takes the whole basket;
a repeating threshold gives its amount per full threshold spent, at most
``max_applications`` steps, never more than the spend.
"""

from decimal import Decimal

import pytest

from tests.pricing.builders import campaign, discounts, priced, product, target, totals

EVERYTHING = target(everything=True)
PRODUCTS = [product(1), product(2), product(3)]


def test_basket_wide_percent_off_takes_every_line_shared_by_price():
    result = priced(
        [(1, 1), (2, 2)],
        {1: "60.00", 2: "20.00"},
        [campaign("BASKET10", "spend_threshold", EVERYTHING, percent="10")],
    )
    assert totals(result) == ["54.00", "36.00"]
    assert discounts(result) == {"BASKET10": "10.00"}
    assert [str(u) for u in result.lines[1].unit_paid] == ["18.00", "18.00"]


def test_basket_wide_amount_off_is_never_more_than_the_basket():
    result = priced(
        [(1, 1), (2, 1)],
        {1: "20.00", 2: "10.00"},
        [campaign("BASKET50", "spend_threshold", EVERYTHING, amount="50.00", currency="DKK")],
    )
    assert totals(result) == ["0.00", "0.00"]
    assert result.total == Decimal("0.00")
    assert discounts(result) == {"BASKET50": "30.00"}


def repeating(cap: int | None = 3, on=EVERYTHING, **extra):
    return campaign(
        "PER30",
        "spend_threshold",
        on,
        amount="5.00",
        threshold="30.00",
        repeats=True,
        max_applications=cap,
        **extra,
    )


@pytest.mark.parametrize(
    ("spend", "off", "steps"),
    [("29.99", None, 0), ("30.00", "5.00", 1), ("95.00", "15.00", 3), ("200.00", "15.00", 3)],
)
def test_repeating_threshold_gives_its_amount_per_full_step_up_to_the_cap(spend, off, steps):
    result = priced([(1, 1)], {1: spend}, [repeating(cap=3)])
    assert discounts(result) == ({"PER30": off} if off else {})
    assert [(c.campaign_code, c.applications) for c in result.campaigns] == (
        [("PER30", steps)] if steps else []
    )


def test_repeating_threshold_without_a_cap_counts_every_step():
    result = priced([(1, 1)], {1: "200.00"}, [repeating(cap=None)])
    assert discounts(result) == {"PER30": "30.00"}
    assert result.campaigns[0].applications == 6


def test_repeating_threshold_is_one_application_on_every_unit_shared_by_price():
    result = priced([(1, 1), (2, 1)], {1: "60.00", 2: "30.00"}, [repeating(cap=None)])
    (application,) = result.applications
    assert application.amount == Decimal("15.00")
    assert [(u.line_id, u.quantity) for u in application.units] == [("1", 1), ("2", 1)]
    assert totals(result) == ["50.00", "25.00"]


def test_repeating_threshold_measures_spend_after_line_discounts():
    result = priced(
        [(1, 2)],
        {1: "20.00"},
        [
            campaign("P25", "percent_off", [1], percent="25", stacking="compound"),
            repeating(cap=None, stacking="compound"),
        ],
    )
    # 2 x 15.00 = 30.00 after the line discount: one step, not the 40.00 list spend's one.
    assert discounts(result) == {"P25": "10.00", "PER30": "5.00"}


def test_repeating_threshold_on_a_target_counts_only_its_spend():
    result = priced(
        [(1, 1), (2, 1)],
        {1: "50.00", 2: "40.00"},
        [repeating(cap=None, on=target([1]))],
    )
    assert discounts(result) == {"PER30": "5.00"}
    assert totals(result) == ["45.00", "40.00"]


# (case id, basket, prices, campaign, expected line totals, expected applications counted)
MAX_APPLICATIONS = [
    (
        "percent_off_caps_units_most_expensive_first",
        [(1, 1), (2, 2)],
        {1: "10.00", 2: "50.00"},
        campaign("P50", "percent_off", [1, 2], percent="50", max_applications=2),
        ["10.00", "50.00"],
        2,
    ),
    (
        "amount_off_caps_units",
        [(1, 3)],
        {1: "30.00"},
        campaign("A5", "amount_off", [1], amount="5.00", max_applications=1),
        ["85.00"],
        1,
    ),
    (
        "fixed_price_caps_units",
        [(1, 3)],
        {1: "30.00"},
        campaign("F20", "fixed_price", [1], price="20.00", max_applications=2),
        ["70.00"],
        2,
    ),
    (
        "multibuy_caps_groups",
        [(1, 9)],
        {1: "10.00"},
        campaign("3FOR2", "multibuy", [1], buy=3, pay=2, max_applications=2),
        ["70.00"],
        2,
    ),
    (
        "mix_match_caps_groups",
        [(1, 2), (2, 2)],
        {1: "10.00", 2: "10.00"},
        campaign("MIX", "mix_match", [1, 2], buy=2, benefit="cheapest_free", max_applications=1),
        ["10.00", "20.00"],
        1,
    ),
    (
        "bundle_caps_sets",
        [(1, 3), (2, 3)],
        {1: "20.00", 2: "20.00"},
        campaign(
            "KIT",
            "bundle",
            components=[target([1]), target([2])],
            price="30.00",
            max_applications=2,
        ),
        ["50.00", "50.00"],
        2,
    ),
    (
        "repeating_spend_caps_steps",
        [(1, 1)],
        {1: "100.00"},
        repeating(cap=2),
        ["90.00"],
        2,
    ),
]


@pytest.mark.parametrize(
    ("basket", "prices", "rule", "line_totals", "applications"),
    [c[1:] for c in MAX_APPLICATIONS],
    ids=[c[0] for c in MAX_APPLICATIONS],
)
def test_max_applications_caps_each_kind(basket, prices, rule, line_totals, applications):
    result = priced(basket, prices, [rule], products=PRODUCTS)
    assert totals(result) == line_totals
    assert sum(c.applications for c in result.campaigns) == applications

"""Base price: the best price rule in force and in scope for the customer, channel and store."""

from datetime import timedelta
from decimal import Decimal

import pytest

from pricing.engine import best_base_price, price_basket, unit_offer_price, unit_offer_prices
from pricing.engine.types import Rules
from pricing.errors import InvalidQuantityError, NoPriceError
from retail.errors import UnknownProductError
from tests.pricing.builders import AT, campaign, context, lines, price, product

# (case id, price rules of product 1, context overrides, expected list code or None)
CASES = [
    ("only_rule", [price(1, "10.00")], {}, "PUBLIC"),
    (
        "higher_priority_wins_even_if_dearer",
        [price(1, "10.00"), price(1, "12.00", code="B2B", priority=5)],
        {},
        "B2B",
    ),
    (
        "equal_priority_lower_amount_wins",
        [price(1, "10.00", code="A"), price(1, "9.00", code="B")],
        {},
        "B",
    ),
    (
        "equal_priority_and_amount_lower_code_wins",
        [price(1, "9.00", code="ZZ"), price(1, "9.00", code="AA")],
        {},
        "AA",
    ),
    (
        "member_list_not_for_guest",
        [price(1, "10.00"), price(1, "8.00", code="MEMBER", priority=10, groups={"members"})],
        {},
        "PUBLIC",
    ),
    (
        "member_list_undercuts_public_for_member",
        [price(1, "10.00"), price(1, "8.00", code="MEMBER", priority=10, groups={"members"})],
        {"group_codes": {"members", "newsletter"}},
        "MEMBER",
    ),
    (
        "channel_scoped_list_only_in_its_channel",
        [price(1, "10.00"), price(1, "9.00", code="WEB", priority=1, channels={2})],
        {"channel_id": 1},
        "PUBLIC",
    ),
    (
        "channel_scoped_list_in_its_channel",
        [price(1, "10.00"), price(1, "9.00", code="WEB", priority=1, channels={2})],
        {"channel_id": 2},
        "WEB",
    ),
    (
        "store_scoped_list_in_its_store",
        [price(1, "10.00"), price(1, "9.50", code="CPH", priority=1, stores={7})],
        {"store_id": 7},
        "CPH",
    ),
    (
        "store_scoped_list_not_without_store",
        [price(1, "10.00"), price(1, "9.50", code="CPH", priority=1, stores={7})],
        {},
        "PUBLIC",
    ),
    (
        "future_price_not_yet",
        [
            price(1, "10.00"),
            price(1, "12.00", code="NEXT", priority=1, valid_from=AT + timedelta(seconds=1)),
        ],
        {},
        "PUBLIC",
    ),
    (
        "valid_from_is_inclusive",
        [price(1, "10.00"), price(1, "12.00", code="NEXT", priority=1, valid_from=AT)],
        {},
        "NEXT",
    ),
    (
        "valid_to_is_exclusive",
        [price(1, "10.00"), price(1, "7.00", code="OLD", priority=1, valid_to=AT)],
        {},
        "PUBLIC",
    ),
    ("nothing_in_force", [price(1, "10.00", valid_to=AT)], {}, None),
    ("other_products_ignored", [price(2, "1.00")], {}, None),
]


@pytest.mark.parametrize(
    ("prices", "overrides", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_best_base_price_picks_by_priority_then_amount(prices, overrides, expected):
    rule = best_base_price(product_id=1, context=context(**overrides), prices=prices)
    assert (rule.price_list_code if rule else None) == expected


@pytest.mark.parametrize(
    ("prices", "overrides", "expected"),
    [c[1:] for c in CASES if c[3]],
    ids=[c[0] for c in CASES if c[3]],
)
def test_price_basket_uses_the_best_base_price(prices, overrides, expected):
    rules = Rules(products={1: product(1)}, prices=tuple(prices), campaigns=())
    basket = price_basket(lines=lines((1, 2)), context=context(**overrides), rules=rules)
    (line,) = basket.lines
    chosen = next(p for p in prices if p.price_list_code == expected)
    assert line.price_list_code == expected
    assert line.unit_price == chosen.amount
    assert line.base_total == line.total == chosen.amount * 2


def test_price_basket_without_price_names_the_line():
    rules = Rules(
        products={1: product(1), 2: product(2)}, prices=(price(1, "10.00"),), campaigns=()
    )
    with pytest.raises(NoPriceError) as error:
        price_basket(lines=lines((1, 1), (2, 1)), context=context(), rules=rules)
    assert error.value.field == "lines.1"
    assert error.value.code == "no_price"


def test_price_basket_unknown_product_names_the_line():
    rules = Rules(products={1: product(1)}, prices=(price(1, "10.00"),), campaigns=())
    with pytest.raises(UnknownProductError) as error:
        price_basket(lines=lines((1, 1), (9, 1)), context=context(), rules=rules)
    assert error.value.field == "lines.1"


def test_price_basket_quantity_below_one_names_the_line():
    rules = Rules(products={1: product(1)}, prices=(price(1, "10.00"),), campaigns=())
    with pytest.raises(InvalidQuantityError) as error:
        price_basket(lines=lines((1, 0)), context=context(), rules=rules)
    assert error.value.field == "lines.0.quantity"


def test_price_basket_empty_basket_costs_nothing():
    basket = price_basket(lines=(), context=context(), rules=Rules({}, (), ()))
    assert (basket.total, basket.lines, basket.vat) == (Decimal("0"), (), ())


def test_unit_offer_price_is_one_unit_priced_alone():
    rules = Rules(
        products={1: product(1)},
        prices=(price(1, "40.00"),),
        campaigns=(
            campaign("TEN", "percent_off", [1], percent="10"),
            campaign("3FOR2", "multibuy", [1], buy=3, pay=2),
        ),
    )
    ordinary, offer, codes = unit_offer_price(product_id=1, context=context(), rules=rules)
    assert (ordinary, offer, codes) == (Decimal("40.00"), Decimal("36.00"), ("TEN",))


def test_unit_offer_prices_answers_each_product_as_if_priced_alone():
    rules = Rules(
        products={pid: product(pid) for pid in (1, 2, 3, 4)},
        prices=(price(1, "40.00"), price(2, "10.00"), price(3, "25.00")),
        campaigns=(
            campaign("TEN", "percent_off", [1, 2], percent="10"),
            campaign("MIX", "mix_match", [1, 2, 3], buy=2, benefit="cheapest_free"),
            campaign("FIX", "fixed_price", [3], price="20.00", stacking="compound"),
        ),
    )
    many = unit_offer_prices(product_ids=[3, 1, 2, 4, 9, 1], context=context(), rules=rules)
    assert list(many) == [3, 1, 2]  # 4 has no price, 9 is unknown
    for pid, answer in many.items():
        assert answer == unit_offer_price(product_id=pid, context=context(), rules=rules)
    assert many[3] == (Decimal("25.00"), Decimal("20.00"), ("FIX",))

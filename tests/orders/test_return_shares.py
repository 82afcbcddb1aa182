"""Returns refund the returned unit's own share of every deal, whatever line it came on.

The pricing engine shares each application's discount over the units taking
part by price and the order line keeps what each unit paid (``unit_paid``);
a receipt from a POS that sends no unit shares keeps the largest-remainder
split of the line total (see ``test_returns``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings

from orders.services.fulfilment import order_hand_over, order_line_pick, order_ready
from orders.services.order_lines import order_line_from_priced
from orders.services.return_parts import units_refund
from orders.services.tenders import TenderRequest
from retail.models import Product
from tests.orders.returns_support import give_back
from tests.orders.world import AT, D, assert_books_balance, make_world
from tests.pricing.test_engine_splits import goods_and_two_splits, price


@pytest.mark.parametrize(
    ("unit_paid", "returned", "refunded", "count", "expected"),
    [
        (["16.00", "24.00", "40.00"], 0, "0.00", 1, "16.00"),
        (["16.00", "24.00", "40.00"], 1, "16.00", 1, "24.00"),
        (["16.00", "24.00", "40.00"], 0, "0.00", 2, "40.00"),
        (["16.00", "24.00", "40.00"], 2, "40.00", 1, "40.00"),  # the last takes what is left
        (["16.00", "24.00", "40.00"], 1, "70.00", 1, "10.00"),  # never more than is left
    ],
)
def test_units_refund_with_unit_shares_refunds_each_units_own_share(
    unit_paid, returned, refunded, count, expected
):
    refund = units_refund(
        total=D("80.00"),
        quantity=3,
        returned=returned,
        refunded=D(refunded),
        count=count,
        currency="DKK",
        unit_paid=unit_paid,
    )
    assert refund == D(expected)


def test_units_refund_with_shares_of_another_length_falls_back_to_largest_remainder():
    refund = units_refund(
        total=D("100.00"),
        quantity=3,
        returned=0,
        refunded=D(0),
        count=1,
        currency="DKK",
        unit_paid=["100.00"],
    )
    assert refund == D("33.33")


def _refunds(result) -> dict[str, list[Decimal]]:
    """Per SKU, the refund of every unit, each line's units returned one by one."""
    refunds: dict[str, list[Decimal]] = {}
    for line in result.lines:
        frozen = order_line_from_priced(None, 1, line, Product(name="x"))
        refunded = Decimal(0)
        for returned in range(line.quantity):
            share = units_refund(
                total=frozen.total_amount,
                quantity=frozen.quantity,
                returned=returned,
                refunded=refunded,
                count=1,
                currency="DKK",
                unit_paid=frozen.unit_paid,
            )
            refunded += share
            refunds.setdefault(line.sku, []).append(share)
        assert refunded == line.total
    return {sku: sorted(shares) for sku, shares in refunds.items()}


@settings(max_examples=150, deadline=None)
@given(goods_and_two_splits())
def test_units_refund_same_goods_split_any_way_refund_the_same_per_unit(case):
    _goods, prices, campaigns, first, second = case
    one, other = price(first, prices, campaigns), price(second, prices, campaigns)
    assert _refunds(one) == _refunds(other)
    assert _refunds(one) == {
        sku: sorted(u for line in one.lines if line.sku == sku for u in line.unit_paid)
        for sku in {line.sku for line in one.lines}
    }


@pytest.mark.django_db
def test_return_create_a_sock_of_a_3_for_2_over_two_lines_refunds_its_share():
    world = make_world()
    order = world.place(
        [("SOCKS", 2), ("SOCKS", 1)],
        tenders=[TenderRequest(kind="external", external_reference="psp-s")],
    )
    lines = list(order.lines.order_by("line_no"))
    # 50.00 off three 50.00 socks: 16.67, 16.67, 16.66, whatever line each is on.
    assert [line.total_amount for line in lines] == [D("66.66"), D("33.34")]
    assert [line.unit_paid for line in lines] == [["33.33", "33.33"], ["33.34"]]
    for line in lines:
        order_line_pick(line=line, store=world.cph, at=AT)
    order_ready(order=order, store=world.cph, at=AT)
    order = order_hand_over(pickup_code=order.pickup_code, store=world.cph, at=AT)
    assert give_back(world, order, (2, 1)).refund_amount == D("33.34")
    assert give_back(world, order, (1, 1)).refund_amount == D("33.33")
    assert give_back(world, order, (1, 1)).refund_amount == D("33.33")
    assert_books_balance()

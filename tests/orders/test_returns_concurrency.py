"""Concurrent returns on real PostgreSQL with real threads: never refund more than was paid."""

import pytest
from django.db.models import Sum

from orders.errors import ReturnNotAllowedError
from orders.models import Order, OrderLine, Refund, Return
from orders.services.returns import ReturnRequestLine, return_create
from tests.concurrency import run_in_threads
from tests.orders.returns_support import on_hand, sell
from tests.orders.world import AT, D, assert_books_balance, make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _return(world, order, *, source_key, store):
    return return_create(
        order=Order.objects.get(pk=order.pk),
        lines=[ReturnRequestLine(line_no=1, quantity=1)],
        channel=world.pos,
        store=store,
        source_key=source_key,
        at=AT,
    )


def test_return_create_two_counters_returning_the_last_unit_one_succeeds():
    world = make_world()
    receipt = sell(world, [("SOCKS", 3)], totals={"SOCKS": D("100.00")})
    _return(world, receipt, source_key="first", store=world.cph)
    _return(world, receipt, source_key="second", store=world.cph)
    stores = [world.cph, world.ros]

    results, errors = run_in_threads(
        2, lambda i: _return(world, receipt, source_key=f"last:{i}", store=stores[i])
    )

    assert len(results) == 1 and results[0].refund_amount == D("33.34")
    assert len(errors) == 1 and isinstance(errors[0], ReturnNotAllowedError)
    line = OrderLine.objects.get(order=receipt)
    assert (line.returned_quantity, line.refunded_amount) == (3, D("100.00"))
    refunded = Refund.objects.filter(order=receipt).aggregate(s=Sum("amount"))["s"]
    assert refunded == line.total_amount == D("100.00")
    assert on_hand(world.cph, world.p("SOCKS")) + on_hand(world.ros, world.p("SOCKS")) == 7 + 2 + 2
    assert_books_balance()


def test_return_create_one_return_sent_twice_at_once_is_taken_once():
    world = make_world()
    receipt = sell(world, [("MUG", 3)])

    results, errors = run_in_threads(
        3, lambda i: _return(world, receipt, source_key="pos:cph:same", store=world.cph)
    )

    assert errors == []
    assert len({r.pk for r in results}) == 1 and Return.objects.count() == 1
    assert OrderLine.objects.get(order=receipt).returned_quantity == 1
    assert Refund.objects.filter(order=receipt).count() == 1
    assert on_hand(world.cph, world.p("MUG")) == 8
    assert_books_balance()

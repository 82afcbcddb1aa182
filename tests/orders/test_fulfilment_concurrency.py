"""Hand-over under concurrency: real PostgreSQL, real threads, one final state per order."""

from datetime import timedelta

import pytest

from inventory.models import Reservation, StockLevel, StockMovement
from loyalty.models import StoredValueAccount, StoredValueHold
from orders.errors import PickupCodeNotFoundError
from orders.models import Order, OrderEvent, Refund, Tender
from orders.services.fulfilment import (
    order_hand_over,
    order_line_pick,
    order_ready,
)
from orders.services.sweeps import orders_expire
from orders.services.tenders import TenderRequest
from tests.concurrency import run_concurrently
from tests.orders.world import AT, D, assert_books_balance, make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

READY_AT = AT + timedelta(hours=2)


def ready_order(world, *, card: str) -> Order:
    order = world.place(
        [("SHIRT", 1), ("SOCKS", 3)],
        tenders=[
            TenderRequest(kind="gift_card", amount=D("100.00"), code=card),
            TenderRequest(kind="external", external_reference=f"psp-{card[-4:]}"),
        ],
    )
    for line in order.lines.all():
        order_line_pick(line=line, store=world.cph, at=READY_AT)
    return order_ready(order=order, store=world.cph, at=READY_AT)


def assert_one_final_state(order: Order) -> None:
    """Either collected (stock out, card charged) or expired (stock back, hold gone), never both."""
    order.refresh_from_db()
    gift = order.tenders.get(kind="gift_card")
    account = StoredValueAccount.objects.get(pk=gift.stored_value_account_id)
    hold = StoredValueHold.objects.get(source_key=gift.hold_key)
    reservations = set(
        Reservation.objects.filter(reference=order.reservation_reference).values_list(
            "status", flat=True
        )
    )
    consumed = StockMovement.objects.filter(source_document=order.reservation_reference)
    if order.status == Order.Status.COLLECTED:
        assert reservations == {"consumed"} and consumed.count() == 2
        assert (gift.status, hold.status, account.balance) == ("captured", "captured", D(400))
        assert not Refund.objects.filter(order=order).exists()
    else:
        assert order.status == Order.Status.EXPIRED
        assert reservations == {"released"} and not consumed.exists()
        assert (gift.status, hold.status, account.balance) == (
            Tender.Status.RELEASED,
            "released",
            D(500),
        )
        assert Refund.objects.filter(order=order, kind="external").count() == 1
    assert account.held == 0
    finals = OrderEvent.objects.filter(order=order, kind__in=["collected", "expired"])
    assert finals.count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_order_hand_over_racing_expiry_ends_in_exactly_one_state(attempt):
    world = make_world(stock=20)
    orders = [ready_order(world, card=world.gift_card("500.00")) for _ in range(4)]
    due = orders[0].pickup_expires_at
    calls = [
        (
            lambda o=o: order_hand_over(
                pickup_code=o.pickup_code, store=world.cph, at=due - timedelta(minutes=1)
            )
        )
        for o in orders
    ] + [lambda: orders_expire(at=due), lambda: orders_expire(at=due)]

    results = run_concurrently(calls)

    handed = results[: len(orders)]
    assert all(isinstance(r, Order | PickupCodeNotFoundError) for r in handed), (
        handed
    )  # a hand-over that lost the race finds the order expired
    expired = sum(r for r in results[len(orders) :] if isinstance(r, int))
    assert expired == sum(isinstance(r, PickupCodeNotFoundError) for r in handed)
    for order in orders:
        assert_one_final_state(order)
    for level in StockLevel.objects.all():
        assert level.reserved == 0
    assert_books_balance()


def test_order_hand_over_same_code_at_two_counters_succeeds_once():
    world = make_world()
    order = ready_order(world, card=world.gift_card("500.00"))
    at = READY_AT + timedelta(hours=1)

    results = run_concurrently(
        [
            lambda: order_hand_over(pickup_code=order.pickup_code, store=world.cph, at=at),
            lambda: order_hand_over(pickup_code=order.pickup_code, store=world.cph, at=at),
        ]
    )

    assert sorted(type(r).__name__ for r in results) == ["Order", "PickupCodeNotFoundError"]
    failure = next(r for r in results if isinstance(r, Exception))
    assert failure.extra["status"] == "collected"
    assert_one_final_state(order)
    socks = StockLevel.objects.get(location=world.cph, product=world.p("SOCKS"))
    assert (socks.on_hand, socks.reserved) == (7, 0)
    assert_books_balance()

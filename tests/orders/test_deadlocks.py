"""No deadlock whatever order customers present things in: real PostgreSQL, real threads.

Rows are locked in ``retail.locking``'s global order; these races would
deadlock if any path took two coupon codes, two gift cards or a card and a
membership the other way round (PostgreSQL then aborts one transaction with
"deadlock detected", which the tests would see as an error).
"""

from decimal import Decimal

import pytest
from django.db.models import Sum

from loyalty.models import StoredValueAccount
from orders.models import Order, Refund
from orders.services.fulfilment import order_hand_over, order_line_pick, order_ready
from orders.services.returns import ReturnRequestLine, return_create
from orders.services.tenders import TenderRequest
from pricing.models import Campaign, CouponCode
from tests.concurrency import run_concurrently
from tests.orders.world import AT, D, assert_books_balance, make_world
from tests.pricing.factories import CampaignFactory, CouponCodeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16


def _coupon(code: str, product) -> str:
    campaign = CampaignFactory(
        code=f"CAMP-{code}",
        requires_coupon=True,
        kind=Campaign.Kind.PERCENT_OFF,
        targets=[{"product": product}],
    )
    return CouponCodeFactory(code=code, campaign=campaign, max_uses=None).code


def _cards(first: str, second: str, amount: str) -> list[TenderRequest]:
    return [
        TenderRequest(kind="gift_card", amount=D(amount), code=first),
        TenderRequest(kind="gift_card", amount=D(amount), code=second),
    ]


@pytest.mark.parametrize("attempt", range(2))
def test_order_place_same_cards_and_coupons_in_opposite_orders_never_deadlocks(attempt):
    world = make_world(stock=THREADS + 5)
    c1, c2 = _coupon("SHIRT10", world.p("SHIRT")), _coupon("MUG10", world.p("MUG"))
    g1, g2 = world.gift_card("10000.00"), world.gift_card("10000.00")

    def checkout(i: int):
        forward = i % 2 == 0
        return world.place(
            [("SHIRT", 1), ("MUG", 1)] if forward else [("MUG", 1), ("SHIRT", 1)],
            coupon_codes=[c1, c2] if forward else [c2, c1],
            tenders=[
                *(_cards(g1, g2, "50.00") if forward else _cards(g2, g1, "50.00")),
                TenderRequest(kind="external", external_reference=f"psp-{attempt}-{i}"),
            ],
        )

    results = run_concurrently([lambda i=i: checkout(i) for i in range(THREADS)])

    failed = [r for r in results if not isinstance(r, Order)]
    assert failed == []
    # 200.00 - 20.00 + 80.00 - 8.00: both coupons applied to every order.
    assert {r.total_amount for r in results} == {D("252.00")}
    assert {c.code: c.uses for c in CouponCode.objects.all()} == {c1: THREADS, c2: THREADS}
    for code in (g1, g2):
        account = StoredValueAccount.objects.get(code=code)
        assert (account.balance, account.held) == (D("10000.00"), D(50) * THREADS)
    for sku in ("SHIRT", "MUG"):
        level = world.p(sku).stock_levels.get(location=world.cph)
        assert level.reserved == THREADS
    assert_books_balance()


def test_returns_racing_hand_overs_on_the_same_cards_never_deadlock():
    """Refunds to two cards and captures from the same two cards, presented both ways round."""
    world = make_world(stock=20)
    g1, g2 = world.gift_card("5000.00"), world.gift_card("5000.00")
    pairs = [(g1, g2), (g2, g1)]

    def ready(i: int) -> Order:
        first, second = pairs[i % 2]
        order = world.place([("SHIRT", 1)], tenders=_cards(first, second, "100.00"))
        for line in order.lines.all():
            order_line_pick(line=line, store=world.cph, at=AT)
        return order_ready(order=order, store=world.cph, at=AT)

    collected = [ready(i) for i in range(6)]
    for order in collected:
        order_hand_over(pickup_code=order.pickup_code, store=world.cph, at=AT)
    waiting = [ready(i + 1) for i in range(6)]

    def take_back(order: Order):
        return return_create(
            order=Order.objects.get(pk=order.pk),
            lines=[ReturnRequestLine(line_no=1, quantity=1)],
            channel=world.pos,
            store=world.cph,
            source_key=f"return:{order.number}",
            at=AT,
        )

    calls = [lambda o=o: take_back(o) for o in collected] + [
        lambda o=o: order_hand_over(pickup_code=o.pickup_code, store=world.cph, at=AT)
        for o in waiting
    ]

    results = run_concurrently(calls)

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    for order in collected:
        assert Refund.objects.filter(order=order).aggregate(s=Sum("amount"))["s"] == D("200.00")
    assert Order.objects.filter(pk__in=[o.pk for o in waiting], status="collected").count() == 6
    for code in (g1, g2):
        account = StoredValueAccount.objects.get(code=code)
        # 12 captures of 100.00 each card, 6 of them refunded.
        assert (account.balance, account.held) == (D("5000.00") - 6 * Decimal(100), D(0))
    assert_books_balance()

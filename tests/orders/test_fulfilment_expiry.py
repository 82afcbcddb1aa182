"""Uncollected orders: the reminder before the pickup window ends, and the expiry after it."""

from datetime import timedelta

import pytest

from inventory.models import Reservation, StockLevel
from loyalty.models import StoredValueAccount, StoredValueHold
from loyalty.services.points import points_earn
from orders.errors import PickupCodeNotFoundError
from orders.models import Notification, Order, OrderEvent, OrderLine, Refund, Tender
from orders.services.fulfilment import (
    order_hand_over,
    order_line_pick,
    order_ready,
)
from orders.services.holds import HOLD_MARGIN
from orders.services.sweeps import orders_expire, pickups_remind
from orders.services.tenders import TenderRequest
from tests.orders.world import AT, D, assert_books_balance, make_world

pytestmark = pytest.mark.django_db

READY_AT = AT + timedelta(hours=2)


@pytest.fixture
def world():
    return make_world()


def ready_order(world, lines=(("SHIRT", 1),), *, at=READY_AT, **kwargs) -> Order:
    order = world.place(lines, **kwargs)
    for line in order.lines.all():
        order_line_pick(line=line, store=order.fulfil_location, at=at)
    return order_ready(order=order, store=order.fulfil_location, at=at)


def test_orders_expire_releases_stock_holds_points_and_refunds_card(world):
    member = world.membership()
    points_earn(membership=member, spend_amount=D(4000), currency="DKK", source_key="e", at=AT)
    member.refresh_from_db()
    points_before = member.points_balance
    card = world.gift_card("500.00")
    order = ready_order(
        world,
        [("SHIRT", 1), ("SOCKS", 3)],
        tenders=[
            TenderRequest(kind="points", points=200),
            TenderRequest(kind="gift_card", amount=D("150.00"), code=card),
            TenderRequest(kind="external", external_reference="psp-3", provider="card"),
        ],
    )
    expires = order.pickup_expires_at

    assert orders_expire(at=expires - timedelta(seconds=1)) == 0
    assert orders_expire(at=expires) == 1

    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED and order.closed_at == expires
    assert not Reservation.objects.filter(reference=order.reservation_reference, status="active")
    shirt = StockLevel.objects.get(location=world.cph, product=world.p("SHIRT"))
    assert (shirt.on_hand, shirt.reserved) == (10, 0)
    gift = order.tenders.get(kind="gift_card")
    assert (gift.status, gift.amount) == (Tender.Status.RELEASED, 0)
    assert StoredValueHold.objects.get(source_key=gift.hold_key).status == "released"
    account = StoredValueAccount.objects.get(pk=gift.stored_value_account_id)
    assert (account.balance, account.held) == (D("500.00"), 0)
    member.refresh_from_db()
    assert member.points_balance == points_before
    card_refund = Refund.objects.get(order=order, kind="external")
    assert (card_refund.reason, card_refund.status, card_refund.amount) == (
        "expired",
        "pending",
        D("140.00"),  # 300.00 - 150.00 gift card - 10.00 in points
    )
    expired = Notification.objects.get(order=order, kind="expired")
    assert expired.context["amount"] == "300.00"

    assert orders_expire(at=expires + timedelta(days=1)) == 0  # nothing twice
    assert OrderEvent.objects.filter(order=order, kind="expired").count() == 1
    assert Refund.objects.filter(order=order).count() == 3
    with pytest.raises(PickupCodeNotFoundError) as caught:
        order_hand_over(pickup_code=order.pickup_code, store=world.cph, at=expires)
    assert caught.value.extra["status"] == "expired"
    assert_books_balance()


def test_orders_expire_leaves_other_states_and_unexpired_orders(world):
    ready = ready_order(world)
    picking = world.place([("MUG", 1)])
    order_line_pick(line=picking.lines.get(), store=world.cph, at=READY_AT)
    later = ready_order(world, [("SOCKS", 1)], at=READY_AT + timedelta(days=2))

    assert orders_expire(at=ready.pickup_expires_at) == 1

    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {ready.pk: "expired", picking.pk: "picking", later.pk: "ready"}


def test_orders_expire_after_a_short_pick_refunds_only_the_rest(world):
    order = world.place([("SHIRT", 1), ("MUG", 1)])
    from orders.services.fulfilment import order_line_short_pick

    order_line_short_pick(line=order.lines.get(sku="MUG"), store=world.cph, at=READY_AT)
    order_line_pick(line=order.lines.get(sku="SHIRT"), store=world.cph, at=READY_AT)
    order = order_ready(order=order, store=world.cph, at=READY_AT)

    assert orders_expire(at=order.pickup_expires_at) == 1

    refunds = Refund.objects.filter(order=order).order_by("created_at", "pk")
    assert [(r.reason, r.amount) for r in refunds] == [
        ("short_pick", D("80.00")),
        ("expired", D("200.00")),
    ]
    assert order.lines.get(sku="MUG").status == OrderLine.Status.REMOVED
    assert_books_balance()


def test_pickups_remind_once_within_the_reminder_days(world):
    order = ready_order(world)
    remind_from = order.pickup_expires_at - timedelta(days=world.cph.pickup_reminder_days)

    assert pickups_remind(at=remind_from - timedelta(minutes=1)) == 0
    assert pickups_remind(at=remind_from) == 1
    assert pickups_remind(at=remind_from + timedelta(hours=1)) == 0

    order.refresh_from_db()
    assert order.reminded_at == remind_from
    assert Notification.objects.filter(order=order, kind="reminder").count() == 1
    assert OrderEvent.objects.filter(order=order, kind="reminded").count() == 1
    assert pickups_remind(at=order.pickup_expires_at) == 0  # past due: expiry, not a reminder


def test_order_ready_after_slow_picking_extends_the_gift_card_hold_with_the_window(world):
    card = world.gift_card("500.00")
    slow = AT + timedelta(days=5)
    order = ready_order(
        world,
        tenders=[TenderRequest(kind="gift_card", amount=D("200.00"), code=card)],
        at=slow,
    )
    hold = StoredValueHold.objects.get(source_key=order.tenders.get().hold_key)
    assert order.pickup_expires_at == slow + timedelta(days=world.cph.pickup_days)
    assert hold.expires_at == order.pickup_expires_at + HOLD_MARGIN
    assert hold.status == StoredValueHold.Status.ACTIVE

    assert orders_expire(at=order.pickup_expires_at - timedelta(minutes=1)) == 0
    assert orders_expire(at=order.pickup_expires_at) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    hold.refresh_from_db()
    assert hold.status == StoredValueHold.Status.RELEASED
    assert_books_balance()


def test_orders_expire_with_a_hold_already_lapsed_settles_the_tender(world):
    from loyalty.services.stored_value import holds_expire

    card = world.gift_card("500.00")
    order = ready_order(
        world,
        tenders=[
            TenderRequest(kind="gift_card", amount=D("50.00"), code=card),
            TenderRequest(kind="external", external_reference="psp-4"),
        ],
        at=AT + timedelta(days=5),
    )
    gift = order.tenders.get(kind="gift_card")
    lapsed = StoredValueHold.objects.get(source_key=gift.hold_key).expires_at
    assert holds_expire(at=lapsed) == 1

    assert orders_expire(at=lapsed) == 1

    gift.refresh_from_db()
    assert (gift.status, gift.amount) == (Tender.Status.RELEASED, 0)
    assert Refund.objects.get(order=order).amount == D("150.00")
    assert OrderEvent.objects.filter(order=order, kind="hold_lapsed").exists()
    assert_books_balance()

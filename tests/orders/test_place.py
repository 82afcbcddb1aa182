"""Placing an order: priced, reserved, paid, recorded and confirmed at once, or nothing."""

from decimal import Decimal

import pytest

from inventory.errors import InsufficientStockError
from inventory.models import Reservation, StockLevel
from loyalty.errors import InsufficientBalanceError
from loyalty.models import StoredValueAccount, StoredValueHold
from orders.errors import InvalidFulfilmentError, PriceChangedError, TenderMismatchError
from orders.models import Notification, Order, Tender
from orders.services.tenders import TenderRequest
from pricing.models import CouponRedemption
from tests.orders.world import AT, assert_books_balance, make_world
from tests.pricing.factories import CouponCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _level(store, product):
    return StockLevel.objects.get(location=store, product=product)


def test_order_place_click_and_collect_freezes_prices_reserves_and_holds(world):
    card = world.gift_card("100.00")
    order = world.place(
        [("SOCKS", 3), ("SHIRT", 1)],
        tenders=[
            TenderRequest(kind="gift_card", amount=Decimal("100.00"), code=card),
            TenderRequest(kind="external", external_reference="psp-1", provider="card"),
        ],
        expected_total=Decimal("300.00"),
        notify_sms=True,
    )
    assert order.status == Order.Status.NEW
    assert order.total_amount == Decimal("300.00")  # 3 socks for 100 + a shirt
    assert len(order.pickup_code) == 6 and order.fulfil_location == world.cph
    socks = order.lines.get(sku="SOCKS")
    assert (socks.base_total_amount, socks.total_amount) == (Decimal("150.00"), Decimal("100.00"))
    assert socks.discounts[0]["campaign"] == "SOCKS-3FOR2"
    assert _level(world.cph, world.p("SOCKS")).reserved == 3
    tenders = {t.kind: t for t in order.tenders.all()}
    assert tenders["gift_card"].status == Tender.Status.HELD
    assert tenders["external"].amount == Decimal("200.00")
    account = StoredValueAccount.objects.get(pk=tenders["gift_card"].stored_value_account_id)
    assert account.held == Decimal("100.00")
    assert Notification.objects.filter(order=order, kind="order_confirmed").count() == 2
    assert_books_balance()


def test_order_place_price_changed_returns_new_basket_and_writes_nothing(world):
    with pytest.raises(PriceChangedError) as caught:
        world.place([("SHIRT", 1)], expected_total=Decimal("150.00"))
    assert caught.value.extra["total"] == "200.00"
    assert caught.value.extra["basket"]["lines"][0]["sku"] == "SHIRT"
    assert not Order.objects.exists() and not Reservation.objects.exists()


def test_order_place_failing_tender_leaves_no_reservation_hold_or_coupon(world):
    code = CouponCodeFactory(code="ONCE", max_uses=1).code
    card = world.gift_card("10.00")
    with pytest.raises(InsufficientBalanceError):
        world.place(
            [("SHIRT", 1)],
            coupon_codes=[code],
            tenders=[
                TenderRequest(kind="gift_card", amount=Decimal("150.00"), code=card),
                TenderRequest(kind="external", external_reference="psp-2"),
            ],
        )
    assert not Order.objects.exists()
    assert not Reservation.objects.exists()
    assert not StoredValueHold.objects.exists()
    assert not CouponRedemption.objects.exists()
    assert _level(world.cph, world.p("SHIRT")).reserved == 0
    assert_books_balance()


def test_order_place_short_stock_names_line_and_writes_nothing(world):
    with pytest.raises(InsufficientStockError):
        world.place([("SHIRT", 1), ("MUG", 2)], store=world.ros)
    assert not Order.objects.exists() and not Reservation.objects.exists()


def test_order_place_tenders_must_add_up(world):
    card = world.gift_card("500.00")
    with pytest.raises(TenderMismatchError):
        world.place(tenders=[TenderRequest(kind="gift_card", amount=Decimal("10"), code=card)])


def test_order_place_collect_store_without_click_and_collect_is_refused(world):
    with pytest.raises(InvalidFulfilmentError) as caught:
        world.place(store=world.aar)
    assert caught.value.field == "collect_store"


def test_order_place_points_tender_burns_points(world):
    from loyalty.services.points import points_earn

    member = world.membership()
    points_earn(
        membership=member, spend_amount=Decimal(4000), currency="DKK", source_key="e", at=AT
    )
    order = world.place(
        [("SHIRT", 1)],
        tenders=[TenderRequest(kind="points", points=1000), TenderRequest(kind="external")],
    )
    points = order.tenders.get(kind="points")
    assert (points.points, points.amount) == (1000, Decimal("50.00"))
    assert order.tenders.get(kind="external").amount == Decimal("150.00")
    member.refresh_from_db()
    assert member.points_balance == 3000 + (member.points_balance - 3000)  # burned from balance
    assert_books_balance()


ADDRESS = {"name": "Mette Jensen", "street": "Algade 1", "postal_code": "4000", "city": "Roskilde"}


def test_order_place_ship_from_store_reserves_at_that_store(world):
    order = world.place(
        [("MUG", 2)],
        fulfilment=Order.Fulfilment.SHIP_FROM_STORE,
        collect_store=None,
        source_store=world.aar,
        shipping_address=ADDRESS,
    )
    assert (order.fulfil_location, order.collect_store, order.pickup_code) == (world.aar, None, "")
    assert _level(world.aar, world.p("MUG")).reserved == 2


def test_order_place_home_delivery_uses_the_channels_warehouse(world):
    order = world.place(
        [("JACKET", 1)],
        fulfilment=Order.Fulfilment.HOME_DELIVERY,
        collect_store=None,
        shipping_address=ADDRESS,
    )
    assert order.fulfil_location == world.warehouse
    with pytest.raises(InvalidFulfilmentError) as caught:
        world.place([("JACKET", 1)], fulfilment=Order.Fulfilment.HOME_DELIVERY, collect_store=None)
    assert caught.value.field == "shipping_address"


def test_order_place_collect_here_sourced_from_another_store(world):
    order = world.place(
        [("JACKET", 2)],
        store=world.ros,  # Roskilde has one jacket; Copenhagen sends them
        fulfilment=Order.Fulfilment.COLLECT_OTHER,
        source_store=world.cph,
    )
    assert (order.fulfil_location, order.collect_store) == (world.cph, world.ros)
    assert _level(world.cph, world.p("JACKET")).reserved == 2
    assert _level(world.ros, world.p("JACKET")).reserved == 0
    with pytest.raises(InvalidFulfilmentError):
        world.place(store=world.ros, fulfilment=Order.Fulfilment.COLLECT_OTHER)


def test_order_place_queries_do_not_grow_with_lines(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(lines):
        with CaptureQueriesContext(connection) as ctx:
            world.place(lines)
        return len(ctx.captured_queries)

    one = count([("SHIRT", 1)])
    four = count([("SHIRT", 1), ("SOCKS", 1), ("MUG", 1), ("JACKET", 1)])
    # Stock is reserved with one UPDATE per product on SQLite (constant on PostgreSQL).
    assert four - one <= 3 * (connection.vendor != "postgresql")

"""Orders' demo steps on a small chain: every state, receipts, returns, balanced books, reruns."""

from datetime import UTC, datetime

import pytest

from inventory.models import Reservation, StockLevel
from orders.demo import NOW_KEY, ORDER_STORES, SCENARIOS
from orders.models import Notification, Order, OrderLine, Refund, Return
from retail.demo.builder import SeedConfig, Step, demo_seed, demo_steps
from tests.orders.world import assert_books_balance

pytestmark = pytest.mark.django_db

CONFIG = SeedConfig(seed=7, stores=6, products=80, customers=30, progress=False)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EVERY_STATE = {
    "new",
    "picking",
    "ready",
    "collected",
    "expired",
    "cancelled",
    "shipped",
    "in_transit",
}


def _steps():
    # A fixed "now" first, so the orders' times do not follow the wall clock.
    pin = Step("pin now", lambda *, ctx: ctx.shared.setdefault(NOW_KEY, NOW))
    return [pin, *demo_steps()]


@pytest.fixture
def seeded(db):
    return demo_seed(config=CONFIG, steps=_steps())


def _orders():
    return Order.objects.filter(kind=Order.Kind.ORDER)


def test_demo_orders_in_every_state_in_several_stores(seeded):
    stores = _orders().exclude(collect_store=None).values_list("collect_store").distinct().count()
    assert stores == ORDER_STORES
    assert set(_orders().values_list("status", flat=True)) == EVERY_STATE
    assert _orders().count() == ORDER_STORES * len(SCENARIOS)
    assert _orders().filter(status="in_transit", transfer__isnull=False).count() == ORDER_STORES
    # Overdue: ready past the pickup window, and new past the promised time.
    ready = _orders().filter(status="ready")
    assert ready.filter(pickup_expires_at__lt=NOW).count() == ORDER_STORES
    assert ready.filter(pickup_expires_at__gt=NOW).count() == ORDER_STORES
    assert _orders().filter(status="new", promised_at__lt=NOW).count() == ORDER_STORES
    assert OrderLine.objects.filter(status="removed", refunded_amount__gt=0).count() == ORDER_STORES
    assert all(order.placed_at <= NOW for order in _orders())


def test_demo_open_orders_hold_their_stock_and_closed_ones_none(seeded):
    for order in _orders():
        held = Reservation.objects.filter(reference=order.reservation_reference, status="active")
        if order.status in ("new", "picking", "ready"):
            assert held.exists(), order.status
        else:
            assert not held.exists(), order.status
    assert all(level.reserved <= level.on_hand for level in StockLevel.objects.all())


def test_demo_receipts_returns_and_an_exchange_per_store(seeded):
    receipts = Order.objects.filter(kind=Order.Kind.RECEIPT)
    assert receipts.filter(receipt_id__startswith="DEMO-").count() == ORDER_STORES * 3
    returns = Return.objects.all()
    assert returns.filter(exchange_order__isnull=False).count() == ORDER_STORES
    assert returns.filter(order__kind=Order.Kind.ORDER).count() == ORDER_STORES
    assert returns.count() == ORDER_STORES * 3
    assert Refund.objects.filter(reason="return").exists()
    assert Notification.objects.filter(kind="ready").exists()
    # Queued by the services as for any order, marked sent as of then: nobody is e-mailed.
    assert not Notification.objects.exclude(status="sent").exists()


def test_demo_books_balance_after_the_orders(seeded):
    assert_books_balance()


def test_demo_rerun_adds_nothing(seeded):
    counts = (Order.objects.count(), Return.objects.count(), Refund.objects.count())
    stock = list(StockLevel.objects.order_by("pk").values_list("on_hand", "reserved"))

    report = demo_seed(config=CONFIG, steps=_steps())

    assert report.created == {}
    assert (Order.objects.count(), Return.objects.count(), Refund.objects.count()) == counts
    assert list(StockLevel.objects.order_by("pk").values_list("on_hand", "reserved")) == stock
    assert_books_balance()


def test_demo_lists_the_order_stores_managers(seeded):
    managers = [login for login in seeded.logins if "work queue" in login.description]
    assert len(managers) == ORDER_STORES
    assert all(login.username.startswith("manager-") for login in managers)

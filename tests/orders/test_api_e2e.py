"""The whole click-and-collect journey through the API, with the books checked at the end."""

from decimal import Decimal

import pytest
from django.core import mail

from inventory.models import Reservation, StockLevel, StockMovement
from loyalty.models import Membership, PointsEntry, StoredValueAccount
from orders.models import Notification, Order
from orders.notifications.sender import notification_send_now
from tests.orders.api_support import client_for, place
from tests.orders.world import assert_books_balance, make_world

pytestmark = pytest.mark.django_db


def test_order_journey_place_pick_ready_hand_over_moves_stock_money_and_points(settings, tmp_path):
    settings.ORDERS_SMS_BACKEND = "orders.notifications.sms.FileSmsBackend"
    settings.ORDERS_SMS_FILE_PATH = tmp_path / "sms.log"
    world = make_world()
    web = client_for(world.webshop)
    store = client_for(world.pos, store=world.cph)
    card = world.gift_card("150.00")
    member = Membership.objects.get(customer=world.customer)
    points_before = member.points_balance

    order = place(
        web,
        world,
        [("SOCKS", 3), ("SHIRT", 1)],
        expected_total="300.00",
        notify_sms=True,
        tenders=[
            {"kind": "gift_card", "code": card, "amount": "150.00"},
            {"kind": "external", "external_reference": "psp-77", "provider": "card"},
        ],
    )
    number = order["number"]
    assert store.post(f"/api/v1/orders/{number}/pick/").status_code == 200
    for line in order["lines"]:
        assert (
            store.post(f"/api/v1/orders/{number}/lines/{line['line_no']}/pick/").status_code == 200
        )
    assert store.post(f"/api/v1/orders/{number}/ready/").json()["status"] == "ready"

    ready = Notification.objects.filter(order__number=number, kind="ready")
    assert {n.medium for n in ready} == {"email", "sms"}
    for row in ready:  # what the Celery task does after commit (eager or on a worker)
        notification_send_now(notification_id=row.pk)
    assert all(n.status == Notification.Status.SENT for n in ready.all())
    ready_mail = [m for m in mail.outbox if order["pickup_code"] in m.body]
    assert len(ready_mail) == 1 and ready_mail[0].to == ["mette@example.dk"]
    assert order["pickup_code"] in (tmp_path / "sms.log").read_text()

    handed = store.post(
        "/api/v1/orders/hand-over/", {"pickup_code": order["pickup_code"]}, format="json"
    )
    assert handed.status_code == 200, handed.json()

    placed = Order.objects.get(number=number)
    assert placed.status == Order.Status.COLLECTED
    socks = StockLevel.objects.get(location=world.cph, product=world.p("SOCKS"))
    assert (socks.on_hand, socks.reserved) == (7, 0)
    assert StockMovement.objects.filter(location=world.cph, quantity__lt=0).count() == 2
    assert not Reservation.objects.filter(status=Reservation.Status.ACTIVE).exists()
    account = StoredValueAccount.objects.get(code=card)
    assert (account.balance, account.held) == (Decimal("0.00"), Decimal("0.00"))
    earned = PointsEntry.objects.get(source_key=f"order:{number}:earn")
    assert earned.spend_amount == Decimal("300.00")
    member.refresh_from_db()
    assert member.points_balance == points_before + earned.points
    assert_books_balance()

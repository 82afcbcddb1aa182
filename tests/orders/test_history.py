"""One purchase history per customer: orders and POS receipts from every channel, newest first."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.selectors import purchase_history
from orders.services.receipts import ReceiptLine, ReceiptTender, receipt_record
from orders.services.returns import ReturnRequestLine, return_create
from tests.factories import CustomerFactory
from tests.orders.api_support import app_channel, client_for
from tests.orders.world import AT, D, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _receipt(world, receipt_id="R-1", at=AT, customer=None):
    order, _ = receipt_record(
        channel=world.pos,
        store=world.ros,
        receipt_id=receipt_id,
        lines=[ReceiptLine(sku="MUG", quantity=1, unit_price=D("80.00"), total=D("80.00"))],
        tenders=[ReceiptTender(kind="external", amount=D("80.00"), reference="term-1")],
        customer=customer or world.customer,
        sold_at=at,
        at=at,
    )
    return order


def _history(api, customer):
    response = api.get("/api/v1/orders/history/", {"customer": str(customer.public_id)})
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_purchase_history_api_has_web_orders_and_receipts_newest_first(world):
    web_order = world.place([("SHIRT", 1)], at=AT)
    receipt = _receipt(world, at=AT + timedelta(hours=2))
    _receipt(world, "R-2", customer=CustomerFactory())  # someone else's

    history = _history(client_for(world.webshop), world.customer)

    assert [(p["number"], p["kind"], p["channel"]) for p in history] == [
        (receipt.number, "receipt", "POS-DK"),
        (web_order.number, "order", "WEB-DK"),
    ]
    assert history[0]["lines"][0]["sku"] == "MUG"
    assert history[1]["lines"][0]["sku"] == "SHIRT"
    assert "pickup_code" not in history[1] and "shipping_address" not in history[1]


def test_purchase_history_api_is_the_same_for_every_channel(world):
    world.place([("SHIRT", 1)])
    _receipt(world)

    from_web = _history(client_for(world.webshop), world.customer)
    from_app = _history(client_for(app_channel()), world.customer)
    from_pos = _history(client_for(world.pos, store=world.cph), world.customer)

    assert from_web == from_app == from_pos


def test_purchase_history_api_shows_returns_of_a_receipt(world):
    receipt = _receipt(world, at=AT)
    return_create(
        order=receipt,
        lines=[ReturnRequestLine(line_no=1, quantity=1)],
        channel=world.pos,
        store=world.cph,
        source_key="history-return",
        at=AT + timedelta(days=1),
    )

    history = _history(client_for(world.webshop), world.customer)

    returned = history[0]["returns"][0]
    assert returned["store"] == world.cph.code and returned["refund_amount"] == "80.00"
    assert returned["lines"][0]["line_no"] == 1
    assert history[0]["lines"][0]["returned_quantity"] == 1


def test_purchase_history_api_unknown_customer_is_404_and_missing_is_400(world):
    api = client_for(world.webshop)

    unknown = api.get(
        "/api/v1/orders/history/", {"customer": "00000000-0000-0000-0000-0000000000aa"}
    )
    missing = api.get("/api/v1/orders/history/")

    assert unknown.status_code == 404 and unknown.json()["code"] == "customer_not_found"
    assert missing.status_code == 400 and "customer" in missing.json()["fields"]


def _count_queries(customer) -> int:
    with CaptureQueriesContext(connection) as queries:
        purchases = list(purchase_history(customer=customer))
        for order in purchases:
            for line in order.lines.all():
                _ = line.substitute_for
            for ret in order.returns.all():
                _ = [(x.order_line.line_no, ret.store) for x in ret.lines.all()]
            _ = [r.tender for r in order.refunds.all()]
            _ = list(order.tenders.all())
    return len(queries)


def test_purchase_history_query_count_does_not_grow_with_purchases(world):
    world.place([("SHIRT", 1)])
    one = _count_queries(world.customer)

    for i in range(3):
        world.place([("SHIRT", 1), ("MUG", 1)], at=AT + timedelta(minutes=i + 1))
        _receipt(world, f"R-{i + 10}", at=AT + timedelta(hours=i + 1))

    assert _count_queries(world.customer) == one


def test_purchase_history_api_page_query_count_is_constant(world):
    api = client_for(world.webshop)
    world.place([("SHIRT", 1)])
    _history(api, world.customer)  # the key checked once; the process remembers it
    with CaptureQueriesContext(connection) as one:
        assert len(_history(api, world.customer)) == 1

    for i in range(4):
        world.place([("SHIRT", 1), ("SOCKS", 2)], at=AT + timedelta(minutes=i + 1))
        _receipt(world, f"R-{i}", at=AT + timedelta(hours=i + 1))
    with CaptureQueriesContext(connection) as many:
        assert len(_history(api, world.customer)) == 9

    assert len(many) == len(one) <= 10

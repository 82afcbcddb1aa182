"""Store staff through the API: their store's queue and orders only; receipts, refunds due."""

import pytest

from inventory.models import StockLevel, StockMovement
from loyalty.models import StoredValueAccount
from orders.models import Notification, Order, OrderEvent, Refund
from tests.orders.api_support import app_channel, client_for, idem, place
from tests.orders.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def web(world):
    return client_for(world.webshop)


@pytest.fixture
def cph(world):
    """The POS of the store the orders are collected at."""
    return client_for(world.pos, store=world.cph)


@pytest.fixture
def ros(world):
    """The POS of another store."""
    return client_for(world.pos, store=world.ros)


def _level(store, product) -> StockLevel:
    return StockLevel.objects.get(location=store, product=product)


def _queue_numbers(api) -> set[str]:
    response = api.get("/api/v1/orders/queue/")
    assert response.status_code == 200, response.json()
    return {row["order"]["number"] for s in response.json()["sections"] for row in s["rows"]}


def test_staff_api_pick_ready_hand_over_collects_the_order(web, cph, world):
    order = place(web, world, [("SHIRT", 1), ("MUG", 1)])
    number = order["number"]

    assert cph.post(f"/api/v1/orders/{number}/pick/").json()["status"] == "picking"
    for line in order["lines"]:
        response = cph.post(f"/api/v1/orders/{number}/lines/{line['line_no']}/pick/")
        assert response.status_code == 200, response.json()
    ready = cph.post(f"/api/v1/orders/{number}/ready/")
    assert ready.status_code == 200, ready.json()
    assert ready.json()["status"] == "ready" and ready.json()["pickup_expires_at"]
    assert Notification.objects.filter(order__number=number, kind="ready").exists()

    code = order["pickup_code"]
    typed = f"{code[:3].lower()} {code[3:]}"
    handed = cph.post("/api/v1/orders/hand-over/", {"pickup_code": typed}, format="json")

    assert handed.status_code == 200, handed.json()
    assert handed.json()["status"] == "collected"
    shirt = _level(world.cph, world.p("SHIRT"))
    assert (shirt.on_hand, shirt.reserved) == (9, 0)


def test_staff_api_another_stores_order_is_404_for_every_step(web, ros, world):
    order = place(web, world)
    number = order["number"]

    for path in ("pick/", "lines/1/pick/", "lines/1/short/", "ready/", "receive/", "ship/"):
        response = ros.post(f"/api/v1/orders/{number}/{path}", {}, format="json")
        assert response.status_code == 404, path
        assert response.json()["code"] == "order_not_found"
    handed = ros.post("/api/v1/orders/hand-over/", {"pickup_code": order["pickup_code"]})
    assert handed.status_code == 404
    assert Order.objects.get(number=number).status == "new"
    assert not OrderEvent.objects.exclude(kind="placed").exists()


def test_staff_api_queue_lists_the_stores_orders_and_none_of_another_store(web, cph, ros, world):
    at_cph = place(web, world)["number"]
    at_ros = place(web, world, collect_store=world.ros.code)["number"]

    assert _queue_numbers(cph) == {at_cph}
    assert _queue_numbers(ros) == {at_ros}
    sections = {s["key"]: s for s in cph.get("/api/v1/orders/queue/").json()["sections"]}
    assert sections["new"]["count"] == 1 and sections["ready"]["count"] == 0


def test_staff_api_needs_a_store_key(web, world):
    number = place(web, world)["number"]

    queue = web.get("/api/v1/orders/queue/")
    pick = web.post(f"/api/v1/orders/{number}/pick/")

    assert (queue.status_code, pick.status_code) == (403, 403)
    assert pick.json()["code"] == "store_key_required"


def test_staff_api_unknown_line_is_404(web, cph, world):
    number = place(web, world)["number"]

    response = cph.post(f"/api/v1/orders/{number}/lines/9/pick/")

    assert response.status_code == 404
    assert response.json()["code"] == "order_line_not_found"


def test_staff_api_short_pick_removes_the_line_and_leaves_a_refund_instruction(web, cph, world):
    number = place(web, world, [("SHIRT", 1), ("MUG", 1)])["number"]

    response = cph.post(f"/api/v1/orders/{number}/lines/2/short/", {}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    mug = next(line for line in body["lines"] if line["sku"] == "MUG")
    assert (mug["status"], mug["refunded"]) == ("removed", "80.00")
    assert body["refunds"][0]["amount"] == "80.00"
    assert body["refunds"][0]["status"] == "pending"
    assert _level(world.cph, world.p("MUG")).reserved == 0


def test_staff_api_short_pick_with_substitute_names_an_unknown_sku(web, cph, world):
    number = place(web, world)["number"]

    response = cph.post(
        f"/api/v1/orders/{number}/lines/1/short/", {"substitute_sku": "NOPE"}, format="json"
    )

    assert response.status_code == 400
    assert "substitute_sku" in response.json()["fields"]


def test_staff_api_short_pick_with_substitute_replaces_the_line(web, cph, world):
    number = place(web, world)["number"]

    response = cph.post(
        f"/api/v1/orders/{number}/lines/1/short/", {"substitute_sku": "MUG"}, format="json"
    )

    assert response.status_code == 200, response.json()
    lines = {line["sku"]: line for line in response.json()["lines"]}
    assert lines["SHIRT"]["status"] == "substituted"
    assert lines["MUG"]["substitute_for"] == 1


def _receipt(receipt_id="R-100"):
    return {
        "receipt_id": receipt_id,
        "sold_at": "2026-03-02T10:00:00Z",
        "lines": [{"sku": "SHIRT", "quantity": 1, "unit_price": "200.00", "total": "200.00"}],
        "tenders": [{"kind": "external", "amount": "200.00", "reference": "term-1"}],
    }


def test_receipt_api_records_a_sale_once_and_a_resend_changes_nothing(cph, world):
    first = cph.post("/api/v1/orders/receipts/", _receipt(), format="json")
    movements = StockMovement.objects.count()
    again = cph.post("/api/v1/orders/receipts/", _receipt(), format="json")

    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert first.json()["kind"] == "receipt" and first.json()["status"] == "completed"
    assert Order.objects.filter(kind="receipt").count() == 1
    assert StockMovement.objects.count() == movements
    assert _level(world.cph, world.p("SHIRT")).on_hand == 9


def test_receipt_api_is_for_store_keys_only(web, world):
    response = web.post("/api/v1/orders/receipts/", _receipt(), format="json")

    assert response.status_code == 403
    assert not Order.objects.exists()


def test_receipt_api_lines_and_tenders_must_add_up(cph, world):
    body = _receipt()
    body["tenders"][0]["amount"] = "150.00"

    response = cph.post("/api/v1/orders/receipts/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "receipt_invalid"
    assert not Order.objects.exists()


def test_refund_instructions_api_lists_the_channels_pending_refunds_and_marks_them_done(
    web, cph, world
):
    number = place(web, world, [("SHIRT", 1), ("MUG", 1)])["number"]
    cph.post(f"/api/v1/orders/{number}/lines/2/short/", {}, format="json")
    app = client_for(app_channel())

    pending = web.get("/api/v1/orders/refunds/pending/", {"provider": "card"}).json()["results"]
    other_provider = web.get("/api/v1/orders/refunds/pending/", {"provider": "mobilepay"})
    other_channel = app.get("/api/v1/orders/refunds/pending/")

    assert [(r["order"], r["amount"], r["provider"]) for r in pending] == [
        (number, "80.00", "card")
    ]
    assert other_provider.json()["results"] == []
    assert other_channel.json()["results"] == []
    refund_id = pending[0]["id"]
    refused = app.post(
        f"/api/v1/orders/refunds/{refund_id}/done/", {"provider_reference": "x"}, format="json"
    )
    done = web.post(
        f"/api/v1/orders/refunds/{refund_id}/done/", {"provider_reference": "re-1"}, format="json"
    )
    assert refused.status_code == 404
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert Refund.objects.get(pk=refund_id).status == Refund.Status.DONE
    event = OrderEvent.objects.get(order__number=number, kind="refund_done")
    assert event.data["provider_reference"] == "re-1"
    assert web.get("/api/v1/orders/refunds/pending/").json()["results"] == []


def _collected(web, cph, world, items=(("SHIRT", 1), ("MUG", 1))):
    order = place(web, world, items)
    number = order["number"]
    for line in order["lines"]:
        cph.post(f"/api/v1/orders/{number}/lines/{line['line_no']}/pick/")
    cph.post(f"/api/v1/orders/{number}/ready/")
    response = cph.post("/api/v1/orders/hand-over/", {"pickup_code": order["pickup_code"]})
    assert response.status_code == 200, response.json()
    return order


def test_return_api_at_another_store_by_naming_the_customer(web, cph, ros, world):
    number = _collected(web, cph, world)["number"]
    body = {
        "lines": [{"line_no": 2, "quantity": 1, "condition": "resellable"}],
        "customer": str(world.customer.public_id),
    }

    without_customer = ros.post(
        f"/api/v1/orders/{number}/returns/", {**body, "customer": None}, format="json", **idem()
    )
    response = ros.post(f"/api/v1/orders/{number}/returns/", body, format="json", **idem())

    assert without_customer.status_code == 404
    assert response.status_code == 201, response.json()
    returned = response.json()
    assert returned["order"] == number and returned["store"] == world.ros.code
    assert returned["refund_amount"] == "80.00"
    assert returned["lines"] == [
        {
            "line_no": 2,
            "sku": "MUG",
            "quantity": 1,
            "condition": "resellable",
            "refund_amount": "80.00",
        }
    ]
    assert _level(world.ros, world.p("MUG")).on_hand == 2  # back to stock where returned


def test_return_api_retry_with_the_same_key_refunds_once(web, cph, world):
    number = _collected(web, cph, world)["number"]
    body, headers = {"lines": [{"line_no": 1, "quantity": 1}]}, idem()

    first = cph.post(f"/api/v1/orders/{number}/returns/", body, format="json", **headers)
    again = cph.post(f"/api/v1/orders/{number}/returns/", body, format="json", **headers)

    assert first.status_code == 201, first.json()
    assert again.json() == first.json()
    assert Order.objects.get(number=number).returns.count() == 1


def test_exchange_api_returns_a_line_and_sells_another(web, cph, world):
    number = _collected(web, cph, world)["number"]
    body = {
        "lines": [{"line_no": 2, "quantity": 1}],
        "new_lines": [{"sku": "SOCKS", "quantity": 1}],
    }

    response = cph.post(f"/api/v1/orders/{number}/exchanges/", body, format="json", **idem())

    assert response.status_code == 201, response.json()
    exchange = response.json()
    assert exchange["exchange_order"]["lines"][0]["sku"] == "SOCKS"
    assert exchange["exchange_order"]["collect_store"] == world.cph.code


def test_exchange_api_wrong_tender_pin_names_the_tender_and_is_counted(web, cph, world):
    number = _collected(web, cph, world)["number"]
    card = world.gift_card("500.00", pin="1234")
    body = {
        "lines": [{"line_no": 2, "quantity": 1}],
        "new_lines": [{"sku": "JACKET", "quantity": 1}],
        "tenders": [{"kind": "gift_card", "amount": "920.00", "code": card, "pin": "9999"}],
    }

    response = cph.post(f"/api/v1/orders/{number}/exchanges/", body, format="json", **idem())

    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "wrong_pin"
    assert "tenders.0.pin" in response.json()["fields"]
    assert StoredValueAccount.objects.get(kind="gift_card").failed_pin_attempts == 1
    assert not Order.objects.get(number=number).returns.exists()


def test_staff_api_collect_elsewhere_source_ships_and_collecting_store_receives(web, cph, world):
    aar = client_for(world.pos, store=world.aar)
    order = place(web, world, fulfilment="collect_other", source_store=world.aar.code)
    number = order["number"]

    assert _queue_numbers(aar) == {number} and _queue_numbers(cph) == set()
    not_here = cph.post(f"/api/v1/orders/{number}/lines/1/pick/")
    assert not_here.status_code == 409  # the collecting store sees it but does not pick it
    assert not_here.json()["code"] == "invalid_order_state"
    assert aar.post(f"/api/v1/orders/{number}/lines/1/pick/").status_code == 200
    shipped = aar.post(f"/api/v1/orders/{number}/ready/")
    assert shipped.status_code == 200, shipped.json()
    assert shipped.json()["status"] == "in_transit"
    assert _queue_numbers(aar) == set() and _queue_numbers(cph) == {number}

    received = cph.post(f"/api/v1/orders/{number}/receive/")

    assert received.status_code == 200, received.json()
    assert received.json()["status"] == "ready"
    handed = cph.post("/api/v1/orders/hand-over/", {"pickup_code": order["pickup_code"]})
    assert handed.json()["status"] == "collected"


def test_staff_api_ship_from_store_ships_with_tracking(web, world):
    aar = client_for(world.pos, store=world.aar)
    address = {"name": "Mette Jensen", "street": "Vestergade 1", "postal_code": "8000"}
    order = place(
        web,
        world,
        fulfilment="ship_from_store",
        source_store=world.aar.code,
        shipping_address=address,
        collect_store="",
    )
    number = order["number"]
    assert order["shipping_address"] == address and order["pickup_code"] == ""

    aar.post(f"/api/v1/orders/{number}/lines/1/pick/")
    shipped = aar.post(f"/api/v1/orders/{number}/ship/", {"tracking": "GLS-1"}, format="json")

    assert shipped.status_code == 200, shipped.json()
    assert shipped.json()["status"] == "shipped"
    assert Notification.objects.filter(order__number=number, kind="shipped").exists()


def test_receipt_api_sold_at_without_offset_is_the_stores_local_time(cph, world):
    body = {**_receipt("R-LOCAL"), "sold_at": "2026-03-02T10:00:00"}

    response = cph.post("/api/v1/orders/receipts/", body, format="json")

    assert response.status_code == 201, response.json()
    # Copenhagen is UTC+1 in March.
    assert Order.objects.get(number=response.json()["number"]).placed_at.isoformat() == (
        "2026-03-02T09:00:00+00:00"
    )


@pytest.mark.parametrize(
    ("currency", "error"), [("SEK", "currency_mismatch"), ("XBT", "invalid_choice")]
)
def test_receipt_api_currency_not_the_channels_is_400_on_currency(cph, world, currency, error):
    response = cph.post(
        "/api/v1/orders/receipts/", {**_receipt(), "currency": currency}, format="json"
    )

    assert response.status_code == 400, response.json()
    assert response.json()["fields"]["currency"][0]["code"] == error
    assert not Order.objects.filter(kind="receipt").exists()

"""Orders API for channels: place (idempotent, price changed, field errors), read, cancel."""

from decimal import Decimal

import pytest

from inventory.models import Reservation, StockLevel
from loyalty.models import StoredValueAccount, StoredValueHold
from orders.models import Notification, Order
from orders.services.fulfilment import order_hand_over, order_line_pick, order_ready
from tests.factories import make_staff
from tests.orders.api_support import app_channel, client_for, idem, place, place_body
from tests.orders.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def web(world):
    return client_for(world.webshop)


def _nothing_written():
    assert not Order.objects.exists()
    assert not Reservation.objects.exists()
    assert not StoredValueHold.objects.exists()


def test_order_place_api_returns_order_with_frozen_discounts_masked_tenders_and_totals(web, world):
    card = world.gift_card("100.00")
    body = place(
        web,
        world,
        [("SOCKS", 3), ("SHIRT", 1)],
        expected_total="300.00",
        notify_sms=True,
        tenders=[
            {"kind": "gift_card", "amount": "100.00", "code": card},
            {"kind": "external", "external_reference": "psp-7", "provider": "card"},
        ],
    )

    assert body["status"] == "new" and body["kind"] == "order"
    assert body["channel"] == "WEB-DK" and body["collect_store"] == world.cph.code
    assert len(body["pickup_code"]) == 6
    assert (body["subtotal"], body["discount"], body["total"], body["currency"]) == (
        "350.00",
        "50.00",
        "300.00",
        "DKK",
    )
    socks = next(line for line in body["lines"] if line["sku"] == "SOCKS")
    assert (socks["base_total"], socks["total"]) == ("150.00", "100.00")
    assert socks["discounts"][0]["campaign"] == "SOCKS-3FOR2"
    tenders = {t["kind"]: t for t in body["tenders"]}
    assert tenders["gift_card"] == {
        "kind": "gift_card",
        "status": "held",
        "amount": "100.00",
        "refunded": "0.00",
        "points": 0,
        "points_refunded": 0,
        "card_last4": card[-4:],
        "provider": "",
        "external_reference": "",
    }
    assert tenders["external"]["amount"] == "200.00"
    assert card not in str(body)  # only the last four characters leave the server
    order = Order.objects.get(number=body["number"])
    assert order.customer == world.customer
    assert Notification.objects.filter(order=order, kind="order_confirmed").count() == 2


def test_order_place_api_retry_with_same_key_replays_the_first_answer(web, world):
    body, headers = place_body(world), idem()
    first = web.post("/api/v1/orders/", body, format="json", **headers)
    again = web.post("/api/v1/orders/", body, format="json", **headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
    level = StockLevel.objects.get(location=world.cph, product=world.p("SHIRT"))
    assert level.reserved == 1


def test_order_place_api_needs_an_idempotency_key(web, world):
    response = web.post("/api/v1/orders/", place_body(world), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"
    _nothing_written()


def test_order_place_api_price_changed_is_409_with_the_new_basket(web, world):
    response = web.post(
        "/api/v1/orders/",
        place_body(world, expected_total="150.00"),
        format="json",
        **idem(),
    )

    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "price_changed"
    assert error["fields"]["expected_total"][0]["code"] == "price_changed"
    assert error["extra"]["total"] == "200.00"
    assert error["extra"]["basket"]["lines"][0]["sku"] == "SHIRT"
    assert error["extra"]["basket"]["total"] == "200.00"
    _nothing_written()


def test_order_place_api_retry_after_price_changed_may_reuse_the_key(web, world):
    headers = idem()
    web.post("/api/v1/orders/", place_body(world, expected_total="1.00"), format="json", **headers)

    response = web.post(
        "/api/v1/orders/", place_body(world, expected_total="200.00"), format="json", **headers
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fulfilment": "teleport"}, "fulfilment"),
        ({"customer": "not-a-uuid"}, "customer"),
        ({"lines": []}, "lines"),
        ({"lines": [{"quantity": 1}]}, "lines.0.sku"),
        ({"tenders": [{"kind": "cash"}]}, "tenders.0.kind"),
        ({"tenders": [{"kind": "external", "amount": "-5"}]}, "tenders.0.amount"),
    ],
)
def test_order_place_api_invalid_body_is_400_naming_the_field(web, world, change, field):
    response = web.post("/api/v1/orders/", place_body(world, **change), format="json", **idem())

    assert response.status_code == 400
    assert field in response.json()["fields"]
    _nothing_written()


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"lines": [{"sku": "NOPE", "quantity": 1}]}, 400, "unknown_product", "lines.0.sku"),
        ({"collect_store": "XX-NONE"}, 400, "store_not_found", "collect_store"),
        ({"collect_store": "DK-AAR01"}, 400, "invalid_fulfilment", "collect_store"),
        (
            {"customer": "00000000-0000-0000-0000-000000000000"},
            404,
            "customer_not_found",
            "customer",
        ),
        (
            {"tenders": [{"kind": "external", "amount": "10.00"}]},
            400,
            "tender_mismatch",
            "tenders",
        ),
    ],
)
def test_order_place_api_rule_errors_name_the_field_and_write_nothing(
    web, world, change, status, code, field
):
    response = web.post("/api/v1/orders/", place_body(world, **change), format="json", **idem())

    assert response.status_code == status, response.json()
    error = response.json()
    assert error["code"] == code
    assert field in error["fields"]
    _nothing_written()


def test_order_place_api_short_stock_is_409_and_writes_nothing(web, world):
    body = place_body(world, [("MUG", 2)], collect_store=world.ros.code)

    response = web.post("/api/v1/orders/", body, format="json", **idem())

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    _nothing_written()


def test_order_place_api_wrong_pin_names_the_tender_and_is_counted(web, world):
    card = world.gift_card("500.00", pin="1234")
    tenders = [{"kind": "gift_card", "amount": "200.00", "code": card, "pin": "9999"}]

    response = web.post(
        "/api/v1/orders/", place_body(world, tenders=tenders), format="json", **idem()
    )

    assert response.status_code in (400, 403, 423)
    assert "tenders.0.pin" in response.json()["fields"]
    assert StoredValueAccount.objects.get(kind="gift_card").failed_pin_attempts == 1
    _nothing_written()


def test_order_place_api_right_pin_holds_the_gift_card(web, world):
    card = world.gift_card("500.00", pin="1234")
    tenders = [{"kind": "gift_card", "amount": "200.00", "code": card, "pin": "1234"}]

    body = place(web, world, tenders=tenders)

    assert body["tenders"][0]["status"] == "held"
    assert StoredValueAccount.objects.get(kind="gift_card").held == Decimal("200.00")


def test_order_place_api_store_key_collects_at_its_own_store_by_default(world):
    pos = client_for(world.webshop, store=world.ros)
    body = place_body(world)
    del body["collect_store"]

    response = pos.post("/api/v1/orders/", body, format="json", **idem())

    assert response.status_code == 201
    assert response.json()["collect_store"] == world.ros.code


def test_order_place_api_needs_a_key(world, client, django_user_model):
    response = client.post("/api/v1/orders/", place_body(world), content_type="application/json")

    assert response.status_code in (401, 403)


def test_order_detail_api_channel_sees_its_own_orders_only(web, world):
    number = place(web, world)["number"]
    app = client_for(app_channel())

    own = web.get(f"/api/v1/orders/{number}/")
    other = app.get(f"/api/v1/orders/{number}/")

    assert own.status_code == 200 and own.json()["number"] == number
    assert other.status_code == 404
    assert other.json()["code"] == "order_not_found"


def test_order_detail_api_store_key_sees_orders_of_its_store_of_any_channel(web, world):
    number = place(web, world)["number"]
    cph = client_for(world.pos, store=world.cph)
    ros = client_for(world.pos, store=world.ros)

    assert cph.get(f"/api/v1/orders/{number}/").status_code == 200
    assert ros.get(f"/api/v1/orders/{number}/").status_code == 404


def test_order_detail_api_naming_the_customer_opens_another_stores_order_for_returns(web, world):
    number = place(web, world)["number"]
    ros = client_for(world.pos, store=world.ros)
    someone_else = "00000000-0000-0000-0000-000000000001"

    right = ros.get(f"/api/v1/orders/{number}/", {"customer": str(world.customer.public_id)})
    wrong = ros.get(f"/api/v1/orders/{number}/", {"customer": someone_else})

    assert right.status_code == 200 and right.json()["number"] == number
    assert (right.json()["pickup_code"], right.json()["shipping_address"]) == ("", {})
    assert right.json()["lines"][0]["sku"] == "SHIRT"
    assert wrong.status_code == 404


def test_order_detail_api_unknown_number_is_404(web, world):
    response = web.get("/api/v1/orders/0000-0000/")

    assert response.status_code == 404
    assert response.json()["code"] == "order_not_found"


def test_order_cancel_api_cancels_an_open_order_of_the_channel(web, world):
    number = place(web, world)["number"]
    app = client_for(app_channel())

    refused = app.post(f"/api/v1/orders/{number}/cancel/", {}, format="json")
    response = web.post(f"/api/v1/orders/{number}/cancel/", {"reason": "changed mind"})

    assert refused.status_code == 404
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    level = StockLevel.objects.get(location=world.cph, product=world.p("SHIRT"))
    assert level.reserved == 0


def test_order_api_hq_staff_may_read_but_not_place(web, world, client):
    number = place(web, world)["number"]
    client.force_login(make_staff("hq", username="hq-orders"))

    read = client.get(f"/api/v1/orders/{number}/")
    write = client.post(
        "/api/v1/orders/", place_body(world), content_type="application/json", **idem()
    )

    assert read.status_code == 200
    assert write.status_code == 403
    assert Order.objects.count() == 1


def test_return_api_by_post_from_the_webshop(web, world):
    number = place(web, world)["number"]
    order = Order.objects.get(number=number)
    order_line_pick(line=order.lines.get(), store=world.cph, at=order.placed_at)
    order_ready(order=order, store=world.cph, at=order.placed_at)
    order_hand_over(pickup_code=order.pickup_code, store=world.cph, at=order.placed_at)

    response = web.post(
        f"/api/v1/orders/{number}/returns/",
        {"lines": [{"line_no": 1, "quantity": 1}], "refund_to": "credit_note"},
        format="json",
        **idem(),
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["store"] is None and body["refund_to"] == "credit_note"
    assert body["refunds"][0]["kind"] == "credit_note"
    assert body["refunds"][0]["amount"] == "200.00"

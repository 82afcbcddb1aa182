"""The inventory API: availability, reservations and movements, for keys and their scope."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from inventory.models import ChannelLocation, Reservation, StockLevel
from retail.gtin import gtin_with_check_digit
from retail.models import Channel, ProductGtin
from tests.factories import (
    ChannelFactory,
    CustomerFactory,
    ProductFactory,
    make_api_client,
    make_staff,
)
from tests.inventory.helpers import (
    PLACES,
    assert_ledger_holds,
    buffer,
    make_chain,
    receive,
    reserve,
    store_at,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/inventory"
CPH = tuple(float(v) for v in PLACES["CPH"])


@pytest.fixture
def chain(db):
    return make_chain()


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def web(chain):
    _, key = make_api_client(channel=chain.webshop, name="Webshop DK")
    return _client(key)


@pytest.fixture
def pos(chain):
    channel = ChannelFactory(code="POS-DK", name="Stores DK", kind="pos")
    _, key = make_api_client(channel=channel, store=chain.cph, name="POS CPH till 1")
    return _client(key)


def _post(client, url, body, key="k-1"):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def _level(store, product):
    return StockLevel.objects.get(location=store, product=product)


# --- availability at one store ---------------------------------------------------------------


def test_availability_at_store_for_a_webshop_key_applies_its_buffer(chain, web):
    buffer(chain.webshop, 2)
    reserve(chain.cph, chain.jacket, 1)
    response = web.get(f"{BASE}/availability/", {"store": "DK-CPH01", "sku": "JACKET-1,MUG-1,NOPE"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["store"] == "DK-CPH01" and body["channel"] == "WEB-DK"
    assert body["results"] == [
        {"sku": "JACKET-1", "on_hand": 5, "reserved": 1, "buffer": 2, "available": 2},
        {"sku": "MUG-1", "on_hand": 1, "reserved": 0, "buffer": 2, "available": 0},
    ]
    assert body["unknown_skus"] == ["NOPE"]


def test_availability_at_store_pos_key_is_bound_to_its_store_and_sees_no_buffer(chain, pos):
    buffer(Channel.objects.get(code="POS-DK"), 3)
    response = pos.get(f"{BASE}/availability/", {"sku": "JACKET-1"})
    assert response.status_code == 200
    assert response.json()["store"] == "DK-CPH01"
    assert response.json()["results"][0]["buffer"] == 0
    assert response.json()["results"][0]["available"] == 5
    other = pos.get(f"{BASE}/availability/", {"sku": "JACKET-1", "store": "DK-AAR01"})
    assert other.status_code == 403
    assert other.json()["code"] == "store_not_allowed"
    assert other.json()["fields"]["store"][0]["code"] == "store_not_allowed"


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"sku": "JACKET-1"}, 400, "store_required", "store"),
        ({"sku": "JACKET-1", "store": "NOPE"}, 400, "store_not_found", "store"),
        ({"store": "DK-CPH01"}, 400, "invalid", "sku"),
        ({"store": "DK-CPH01", "sku": ",".join(f"S{n}" for n in range(501))}, 400,
         "too_many_skus", "sku"),
        ({"store": "DK-CPH01", "sku": "JACKET-1", "channel": "APP-DK"}, 403,
         "channel_not_allowed", "channel"),
    ],
)  # fmt: skip
def test_availability_at_store_errors_name_the_parameter(web, params, status, code, field):
    response = web.get(f"{BASE}/availability/", params)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert field in body["fields"]


def test_availability_at_store_query_budget_does_not_grow_with_skus(
    chain, web, django_assert_max_num_queries
):
    products = [ProductFactory(category=chain.jackets, gtin=False) for _ in range(60)]
    for product in products[::2]:
        receive(chain.cph, product, 2)
    buffer(chain.webshop, 1, category=chain.clothing)
    skus = ",".join(p.sku for p in products)
    # key, products, store, stock, buffers
    with django_assert_max_num_queries(5):
        response = web.get(f"{BASE}/availability/", {"store": "DK-CPH01", "sku": skus})
    assert response.status_code == 200
    assert sum(row["available"] for row in response.json()["results"]) == 30


def test_availability_at_store_signed_in_staff_see_no_buffer(chain, client):
    buffer(chain.webshop, 2)
    client.force_login(make_staff("store_clerk", stores=[chain.cph], username="clerk"))
    response = client.get(f"{BASE}/availability/", {"store": "DK-CPH01", "sku": "JACKET-1"})
    assert response.json()["results"][0]["available"] == 5
    named = client.get(
        f"{BASE}/availability/", {"store": "DK-CPH01", "sku": "JACKET-1", "channel": "WEB-DK"}
    )
    assert named.json()["results"][0]["available"] == 3


def test_availability_requires_a_key(chain):
    response = APIClient().get(f"{BASE}/availability/", {"store": "DK-CPH01", "sku": "JACKET-1"})
    assert response.status_code in (401, 403)
    assert "code" in response.json()


# --- one SKU across stores -------------------------------------------------------------------


def test_availability_across_stores_nearest_first_with_distance(chain, web):
    response = web.get(
        f"{BASE}/availability/stores/", {"sku": "JACKET-1", "lat": CPH[0], "lon": CPH[1]}
    )
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [r["store"]["code"] for r in results] == [
        "DK-CPH01",
        "DK-ROS01",
        "DK-ODE01",
        "DK-AAR01",
        "DK-WH01",
    ]
    assert results[0]["distance_km"] < 1 and 25 < results[1]["distance_km"] < 40
    assert results[0]["store"]["click_and_collect"] is True


def test_availability_across_stores_click_and_collect_in_stock_only(chain, web):
    response = web.get(
        f"{BASE}/availability/stores/",
        {"sku": "JACKET-1", "lat": CPH[0], "lon": CPH[1], "click_and_collect": "true",
         "in_stock": "true"},
    )  # fmt: skip
    codes = [r["store"]["code"] for r in response.json()["results"]]
    assert codes == ["DK-CPH01", "DK-ROS01", "DK-AAR01"]


def test_availability_across_stores_errors(chain, web):
    half = web.get(f"{BASE}/availability/stores/", {"sku": "JACKET-1", "lat": 55})
    assert half.status_code == 400 and "lon" in half.json()["fields"]
    unknown = web.get(f"{BASE}/availability/stores/", {"sku": "NOPE"})
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_product"
    assert "sku" in unknown.json()["fields"]


def test_availability_across_stores_query_budget_does_not_grow_with_stores(
    chain, web, django_assert_max_num_queries
):
    for index in range(40):
        receive(store_at(f"DK-Y{index:02d}", "ODE"), chain.jacket, 2)
    buffer(chain.webshop, 1, category=chain.clothing)
    # key, product, stores, stock, buffers
    with django_assert_max_num_queries(5):
        response = web.get(
            f"{BASE}/availability/stores/", {"sku": "JACKET-1", "lat": CPH[0], "lon": CPH[1]}
        )
    assert len(response.json()["results"]) == 45


# --- bulk for a channel ----------------------------------------------------------------------


def test_availability_for_channel_sums_the_serving_locations(chain, web):
    buffer(chain.webshop, 2)
    response = web.get(f"{BASE}/availability/channel/", {"sku": ["JACKET-1,MUG-1", "NOPE"]})
    assert response.status_code == 200
    assert response.json() == {
        "channel": "WEB-DK",
        "results": [{"sku": "JACKET-1", "available": 38 + 7}, {"sku": "MUG-1", "available": 1}],
        "unknown_skus": ["NOPE"],
    }


def test_availability_for_channel_signed_in_staff_must_name_the_channel(chain, client):
    client.force_login(make_staff("hq", username="hq"))
    response = client.get(f"{BASE}/availability/channel/", {"sku": "JACKET-1"})
    assert response.status_code == 400
    assert response.json()["code"] == "channel_required"
    named = client.get(f"{BASE}/availability/channel/", {"sku": "JACKET-1", "channel": "WEB-DK"})
    assert named.json()["results"] == [{"sku": "JACKET-1", "available": 49}]


def test_availability_for_channel_query_budget_does_not_grow(
    chain, web, django_assert_max_num_queries
):
    products = [ProductFactory(category=chain.jackets, gtin=False) for _ in range(120)]
    for index in range(10):
        store = store_at(f"DK-Z{index:02d}", "AAR")
        ChannelLocation.objects.create(channel=chain.webshop, location=store)
        for product in products[index::10]:
            receive(store, product, 3)
    buffer(chain.webshop, 1)
    buffer(chain.webshop, 0, category=chain.clothing)
    skus = ",".join(p.sku for p in products)
    # key, products, stock (serving locations as a subquery), buffers
    with django_assert_max_num_queries(4):
        response = web.get(f"{BASE}/availability/channel/", {"sku": skus})
    assert sum(r["available"] for r in response.json()["results"]) == 120 * 3


# --- reservations ----------------------------------------------------------------------------


def test_reservation_create_needs_an_idempotency_key(chain, web):
    body = {"store": "DK-CPH01", "reference": "1001", "lines": [{"sku": "JACKET-1", "quantity": 1}]}
    response = web.post(f"{BASE}/reservations/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"
    assert _level(chain.cph, chain.jacket).reserved == 0


def test_reservation_create_reserves_and_a_retry_replays(chain, web):
    customer = CustomerFactory()
    body = {
        "store": "DK-CPH01",
        "reference": "1001",
        "customer": str(customer.public_id),
        "ttl_minutes": 90,
        "lines": [{"sku": "JACKET-1", "quantity": 2}, {"sku": "MUG-1", "quantity": 1}],
    }
    first = _post(web, f"{BASE}/reservations/", body)
    assert first.status_code == 201, first.json()
    data = first.json()
    assert (data["reference"], data["store"], data["channel"], data["status"]) == (
        "1001",
        "DK-CPH01",
        "WEB-DK",
        "active",
    )
    assert data["customer"] == str(customer.public_id)
    assert sorted((line["sku"], line["quantity"]) for line in data["lines"]) == [
        ("JACKET-1", 2),
        ("MUG-1", 1),
    ]
    again = _post(web, f"{BASE}/reservations/", body)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == data
    assert _level(chain.cph, chain.jacket).reserved == 2
    assert Reservation.objects.count() == 2
    held = Reservation.objects.get(product=chain.jacket)
    assert held.reference == "WEB-DK:1001"  # kept apart from other channels' "1001"
    assert held.expires_at - held.created_at == timedelta(minutes=90)
    assert_ledger_holds()


def test_reservation_create_all_or_nothing_names_short_lines(chain, web):
    body = {
        "store": "DK-CPH01",
        "reference": "1002",
        "lines": [
            {"sku": "JACKET-1", "quantity": 3},
            {"sku": "MUG-1", "quantity": 1},
            {"sku": "JACKET-1", "quantity": 3},  # summed: 6 > 5
        ],
    }
    response = _post(web, f"{BASE}/reservations/", body)
    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "insufficient_stock"
    assert [(x["sku"], x["requested"], x["available"]) for x in error["extra"]["lines"]] == [
        ("JACKET-1", 6, 5)
    ]
    assert not Reservation.objects.exists()
    assert _level(chain.cph, chain.mug).reserved == 0


def test_reservation_create_by_gtin_reserves_the_pack(chain, web):
    receive(chain.cph, chain.mug, 20)
    pack = gtin_with_check_digit("1" + chain.mug.gtins.get().gtin14[1:13])
    ProductGtin.objects.create(product=chain.mug, gtin=pack, pack_quantity=6)
    body = {"store": "DK-CPH01", "reference": "1003", "lines": [{"gtin": pack, "quantity": 2}]}
    response = _post(web, f"{BASE}/reservations/", body)
    assert response.status_code == 201, response.json()
    assert response.json()["lines"][0]["quantity"] == 12


@pytest.mark.parametrize(
    ("lines", "field", "code"),
    [
        ([{"sku": "JACKET-1", "quantity": 1}, {"sku": "NOPE", "quantity": 1}],
         "lines.1.sku", "unknown_product"),
        ([{"gtin": "5701234567890", "quantity": 1}], "lines.0.gtin", "invalid_gtin"),
        ([{"sku": "JACKET-1", "quantity": 0}], "lines.0.quantity", "invalid"),
        ([{"quantity": 1}], "lines.0.sku", "invalid"),
        ([], "lines", "invalid"),
    ],
)  # fmt: skip
def test_reservation_create_errors_name_the_line(chain, web, lines, field, code):
    body = {"store": "DK-CPH01", "reference": "1004", "lines": lines}
    response = _post(web, f"{BASE}/reservations/", body)
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code
    assert field in response.json()["fields"]
    assert not Reservation.objects.exists()


def test_reservation_create_pos_key_only_in_its_store(chain, pos):
    body = {"store": "DK-AAR01", "reference": "R1", "lines": [{"sku": "JACKET-1", "quantity": 1}]}
    refused = _post(pos, f"{BASE}/reservations/", body)
    assert refused.status_code == 403
    body.pop("store")
    placed = _post(pos, f"{BASE}/reservations/", body, key="k-2")
    assert placed.status_code == 201
    assert placed.json()["store"] == "DK-CPH01"
    assert Reservation.objects.get().reference == "POS-DK:DK-CPH01:R1"


def test_reservation_create_unknown_customer(chain, web):
    body = {
        "store": "DK-CPH01",
        "reference": "1005",
        "customer": "00000000-0000-0000-0000-000000000000",
        "lines": [{"sku": "JACKET-1", "quantity": 1}],
    }
    response = _post(web, f"{BASE}/reservations/", body)
    assert response.status_code == 404
    assert response.json()["code"] == "customer_not_found"
    assert "customer" in response.json()["fields"]


def _reserve_via(client, reference: str, quantity: int = 2, key: str | None = None):
    body = {
        "store": "DK-CPH01",
        "reference": reference,
        "lines": [{"sku": "JACKET-1", "quantity": quantity}],
    }
    response = _post(client, f"{BASE}/reservations/", body, key=key or f"create-{reference}")
    assert response.status_code == 201, response.json()
    return response.json()


def test_reservation_release_gives_the_stock_back_and_repeats_safely(chain, web):
    _reserve_via(web, "2001")
    response = web.post(f"{BASE}/reservations/2001/release/")
    assert response.status_code == 200
    assert response.json()["status"] == "released"
    assert _level(chain.cph, chain.jacket).reserved == 0
    again = web.post(f"{BASE}/reservations/2001/release/")
    assert again.status_code == 200 and again.json()["status"] == "released"
    assert_ledger_holds()


def test_reservation_same_reference_in_two_channels_stays_apart(chain, web):
    app = ChannelFactory(code="APP-DK", kind="app")
    _, key = make_api_client(channel=app, name="App DK")
    app_client = _client(key)
    _reserve_via(web, "3001", quantity=1)
    _reserve_via(app_client, "3001", quantity=2)
    assert web.post(f"{BASE}/reservations/3001/release/").json()["status"] == "released"
    assert _level(chain.cph, chain.jacket).reserved == 2  # the app's reservation still holds
    later = (timezone.now() + timedelta(hours=3)).isoformat()
    extended = app_client.post(
        f"{BASE}/reservations/3001/extend/", {"expires_at": later}, format="json"
    )
    assert extended.status_code == 200, extended.json()
    assert extended.json()["status"] == "active"


def test_reservation_release_of_another_channel_is_not_found(chain, web):
    reserve(chain.cph, chain.jacket, 1, reference="order:9")
    response = web.post(f"{BASE}/reservations/order:9/release/")
    assert response.status_code == 404
    assert response.json()["code"] == "reservation_not_found"
    assert _level(chain.cph, chain.jacket).reserved == 1


def test_reservation_extend_by_ttl_or_time(chain, web):
    created = _reserve_via(web, "4001")
    response = web.post(f"{BASE}/reservations/4001/extend/", {"ttl_minutes": 240}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["expires_at"] > created["expires_at"]
    expires = Reservation.objects.get().expires_at
    assert timedelta(minutes=239) < expires - timezone.now() <= timedelta(minutes=240)
    both = web.post(
        f"{BASE}/reservations/4001/extend/",
        {"ttl_minutes": 5, "expires_at": timezone.now().isoformat()},
        format="json",
    )
    assert both.status_code == 400 and "expires_at" in both.json()["fields"]
    past = web.post(
        f"{BASE}/reservations/4001/extend/",
        {"expires_at": (timezone.now() - timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert past.status_code == 400
    assert past.json()["code"] == "invalid_expiry"


def test_reservation_extend_a_released_reservation_conflicts(chain, web):
    _reserve_via(web, "5001")
    web.post(f"{BASE}/reservations/5001/release/")
    response = web.post(f"{BASE}/reservations/5001/extend/", {"ttl_minutes": 30}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "reservation_not_active"


# --- movements -------------------------------------------------------------------------------


def test_movements_list_oldest_first_paginated_and_since(chain, pos):
    for _ in range(3):
        receive(chain.cph, chain.jacket, 1)
    response = pos.get(f"{BASE}/movements/", {"sku": "JACKET-1", "page_size": 2})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 4 and body["next"]
    assert [m["quantity"] for m in body["results"]] == [5, 1]
    assert body["results"][0]["kind"] == "receipt"
    assert body["results"][0]["store"] == "DK-CPH01"
    future = (timezone.now() + timedelta(days=365 * 5)).isoformat()
    assert pos.get(f"{BASE}/movements/", {"sku": "JACKET-1", "since": future}).json()["count"] == 0
    total = sum(
        m["quantity"] for m in pos.get(f"{BASE}/movements/", {"sku": "JACKET-1"}).json()["results"]
    )
    assert total == _level(chain.cph, chain.jacket).on_hand


def test_movements_pos_key_and_store_staff_read_only_their_stores(chain, pos, client):
    assert (
        pos.get(f"{BASE}/movements/", {"sku": "JACKET-1", "store": "DK-AAR01"}).status_code == 403
    )
    client.force_login(make_staff("store_clerk", stores=[chain.aar], username="clerk-aar"))
    own = client.get(f"{BASE}/movements/", {"sku": "JACKET-1", "store": "DK-AAR01"})
    assert own.status_code == 200 and own.json()["count"] == 1
    other = client.get(f"{BASE}/movements/", {"sku": "JACKET-1", "store": "DK-CPH01"})
    assert other.status_code == 403
    assert other.json()["code"] == "store_not_allowed"


def test_movements_unknown_sku(chain, pos):
    response = pos.get(f"{BASE}/movements/", {"sku": "NOPE"})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_product"


def test_availability_across_stores_rows_match_their_documented_serializer(chain, web):
    from inventory.api.serializers import StoreAvailabilitySerializer
    from inventory.selectors import availability_across_stores

    response = web.get(
        f"{BASE}/availability/stores/", {"sku": "JACKET-1", "lat": CPH[0], "lon": CPH[1]}
    )
    rows = availability_across_stores(product=chain.jacket, near=CPH)
    documented = StoreAvailabilitySerializer(rows, many=True).data
    for row in documented:
        row["distance_km"] = round(row["distance_km"], 3)
    assert response.json()["results"] == documented

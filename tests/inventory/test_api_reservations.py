"""The inventory API, reservations: idempotent, all or nothing, kept apart per channel.

The ``chain`` and the ``web`` and ``pos`` clients are fixtures of tests/inventory/conftest.py.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.models import Reservation
from retail.gtin import gtin_with_check_digit
from retail.models import ProductGtin
from tests.factories import ChannelFactory, CustomerFactory, make_api_client
from tests.inventory.api_support import BASE, api_client, level
from tests.inventory.helpers import assert_ledger_holds, receive, reserve

pytestmark = pytest.mark.django_db


def _post(client, url, body, key="k-1"):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


# --- reservations ----------------------------------------------------------------------------


def test_reservation_create_needs_an_idempotency_key(chain, web):
    body = {"store": "DK-CPH01", "reference": "1001", "lines": [{"sku": "JACKET-1", "quantity": 1}]}
    response = web.post(f"{BASE}/reservations/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"
    assert level(chain.cph, chain.jacket).reserved == 0


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
    assert level(chain.cph, chain.jacket).reserved == 2
    assert Reservation.objects.count() == 2
    held = Reservation.objects.get(product=chain.jacket)
    # kept apart from other channels' and other clients' "1001"
    assert held.reference.startswith("WEB-DK:client-") and held.reference.endswith(":1001")
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
    assert level(chain.cph, chain.mug).reserved == 0


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
    assert level(chain.cph, chain.jacket).reserved == 0
    again = web.post(f"{BASE}/reservations/2001/release/")
    assert again.status_code == 200 and again.json()["status"] == "released"
    assert_ledger_holds()


def test_reservation_same_reference_in_two_channels_stays_apart(chain, web):
    app = ChannelFactory(code="APP-DK", kind="app")
    _, key = make_api_client(channel=app, name="App DK")
    app_client = api_client(key)
    _reserve_via(web, "3001", quantity=1)
    _reserve_via(app_client, "3001", quantity=2)
    assert web.post(f"{BASE}/reservations/3001/release/").json()["status"] == "released"
    assert level(chain.cph, chain.jacket).reserved == 2  # the app's reservation still holds
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
    assert level(chain.cph, chain.jacket).reserved == 1


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


def test_reservation_extend_expires_at_without_offset_is_the_stores_local_time(chain, web):
    _reserve_via(web, "4101")
    store_zone = chain.cph.tz
    local = (
        (timezone.now() + timedelta(days=1))
        .astimezone(store_zone)
        .replace(microsecond=0, tzinfo=None)
    )

    response = web.post(
        f"{BASE}/reservations/4101/extend/", {"expires_at": local.isoformat()}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert Reservation.objects.get().expires_at == local.replace(tzinfo=store_zone)

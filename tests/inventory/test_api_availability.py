"""The inventory API, availability: at one store, one SKU across stores, and bulk for a channel.

The ``chain`` and the ``web`` and ``pos`` clients are fixtures of tests/inventory/conftest.py.
"""

import pytest
from rest_framework.test import APIClient

from inventory.models import ChannelLocation
from retail.models import Channel
from tests.factories import ProductFactory, make_staff
from tests.inventory.api_support import BASE
from tests.inventory.helpers import PLACES, buffer, receive, reserve, store_at

pytestmark = pytest.mark.django_db

CPH = tuple(float(v) for v in PLACES["CPH"])


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

"""The inventory API, movements: the ledger read oldest first, for keys and staff in scope.

The ``chain`` and the ``pos`` client are fixtures of tests/inventory/conftest.py.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_staff
from tests.inventory.api_support import BASE, level
from tests.inventory.helpers import receive

pytestmark = pytest.mark.django_db


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
    assert total == level(chain.cph, chain.jacket).on_hand


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

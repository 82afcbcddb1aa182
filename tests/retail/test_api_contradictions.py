"""A query or body field that contradicts the caller's key is refused on that field, never ignored.

A key's channel, a POS key's store and the channel's currency are fixed;
naming another is ``channel_not_allowed`` / ``store_not_allowed`` (403, the
key may not act there) or ``currency_mismatch`` (400), each naming its field.
"""

import pytest

from tests.orders.api_support import client_for
from tests.orders.world import make_world

pytestmark = pytest.mark.django_db

BASKET = {"lines": [{"sku": "MUG", "quantity": 1}]}
RESERVATION = {"lines": [{"sku": "MUG", "quantity": 1}], "reference": "B-1"}


@pytest.fixture
def world():
    return make_world()


def _refused(response, status, field, code):
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["fields"][field][0]["code"] == code, body
    return body


@pytest.mark.parametrize(
    ("method", "url", "data", "field"),
    [
        ("post", "/api/v1/pricing/basket/", {**BASKET, "store": "DK-ROS01"}, "store"),
        ("get", "/api/v1/pricing/prices/", {"sku": "MUG", "store": "DK-ROS01"}, "store"),
        ("get", "/api/v1/pricing/rules/", {"store": "DK-ROS01"}, "store"),
        ("get", "/api/v1/inventory/availability/", {"sku": "MUG", "store": "DK-ROS01"}, "store"),
        ("get", "/api/v1/inventory/movements/", {"sku": "MUG", "store": "DK-ROS01"}, "store"),
        ("post", "/api/v1/inventory/reservations/", {**RESERVATION, "store": "DK-ROS01"}, "store"),
    ],
)
def test_api_pos_key_naming_another_store_is_refused_on_store(world, method, url, data, field):
    pos = client_for(world.pos, world.cph)
    response = getattr(pos, method)(url, data, HTTP_IDEMPOTENCY_KEY="k-1")
    _refused(response, 403, field, "store_not_allowed")


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/api/v1/pricing/basket/", {**BASKET, "channel": "POS-DK"}),
        ("get", "/api/v1/pricing/prices/", {"sku": "MUG", "channel": "POS-DK"}),
        ("get", "/api/v1/pricing/campaigns/", {"channel": "POS-DK"}),
        ("get", "/api/v1/inventory/availability/channel/", {"sku": "MUG", "channel": "POS-DK"}),
    ],
)
def test_api_key_naming_another_channel_is_refused_on_channel(world, method, url, data):
    web = client_for(world.webshop)
    _refused(getattr(web, method)(url, data), 403, "channel", "channel_not_allowed")

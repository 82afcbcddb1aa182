"""Errors every app's API shares are the same everywhere: one code, one status, one message.

An unknown store, an unknown product, a store or channel a key may not use:
the pricing, inventory and orders endpoints answer each with the same body
shape ``{"code", "message", "fields": {<field>: [{"code", "message"}]}, "extra"}``.
"""

import pytest

from retail import errors
from tests.orders.api_support import client_for, idem, place, place_body
from tests.orders.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def web(world):
    return client_for(world.webshop)


@pytest.fixture
def till(world):
    """A POS key bound to the Copenhagen store."""
    return client_for(world.pos, store=world.cph)


def _assert_same_error(answers, error_class):
    """Each ``(response, field)`` is ``error_class``'s code and status, naming its field."""
    messages = set()
    for response, field in answers:
        body = response.json()
        assert response.status_code == error_class.status, (response.request["PATH_INFO"], body)
        assert body["code"] == error_class.code
        assert body["fields"] == {field: [{"code": body["code"], "message": body["message"]}]}
        assert set(body) <= {"code", "message", "fields", "extra"}
        messages.add(body["message"])
    assert len(messages) == 1, messages
    return [response.json() for response, _ in answers]


def test_shared_errors_store_not_found_is_400_on_the_field_in_every_app(web, world):
    answers = [
        (
            web.post(
                "/api/v1/pricing/basket/",
                {"lines": [{"sku": "SHIRT", "quantity": 1}], "store": "XX-NONE"},
                format="json",
            ),
            "store",
        ),
        (web.get("/api/v1/pricing/rules/", {"store": "XX-NONE"}), "store"),
        (web.get("/api/v1/inventory/availability/", {"sku": "SHIRT", "store": "XX-NONE"}), "store"),
        (
            web.post(
                "/api/v1/inventory/reservations/",
                {
                    "store": "XX-NONE",
                    "reference": "R-1",
                    "lines": [{"sku": "SHIRT", "quantity": 1}],
                },
                format="json",
                **idem(),
            ),
            "store",
        ),
        (
            web.post(
                "/api/v1/orders/",
                place_body(world, collect_store="XX-NONE"),
                format="json",
                **idem(),
            ),
            "collect_store",
        ),
        (
            web.post(
                "/api/v1/orders/",
                place_body(world, fulfilment="ship_from_store", source_store="XX-NONE"),
                format="json",
                **idem(),
            ),
            "source_store",
        ),
    ]

    bodies = _assert_same_error(answers, errors.StoreNotFoundError)
    assert errors.StoreNotFoundError.status == 400
    assert all(body["extra"] == {"store": "XX-NONE"} for body in bodies)


def test_shared_errors_unknown_product_is_400_on_the_field_in_every_app(web, till, world):
    number = place(web, world)["number"]
    answers = [
        (
            web.post(
                "/api/v1/pricing/basket/",
                {"lines": [{"sku": "NOPE", "quantity": 1}]},
                format="json",
            ),
            "lines.0.sku",
        ),
        (web.get("/api/v1/pricing/prices/", {"sku": "SHIRT,NOPE"}), "sku.1"),
        (web.get("/api/v1/inventory/availability/stores/", {"sku": "NOPE"}), "sku"),
        (
            web.post(
                "/api/v1/inventory/reservations/",
                {
                    "store": "DK-CPH01",
                    "reference": "R-2",
                    "lines": [{"sku": "NOPE", "quantity": 1}],
                },
                format="json",
                **idem(),
            ),
            "lines.0.sku",
        ),
        (
            web.post(
                "/api/v1/orders/",
                place_body(world, lines=[{"sku": "NOPE", "quantity": 1}]),
                format="json",
                **idem(),
            ),
            "lines.0.sku",
        ),
        (
            till.post(
                f"/api/v1/orders/{number}/lines/1/short/", {"substitute_sku": "NOPE"}, format="json"
            ),
            "substitute_sku",
        ),
    ]

    _assert_same_error(answers, errors.UnknownProductError)
    assert errors.UnknownProductError.status == 400


def test_shared_errors_a_store_key_naming_another_store_is_403_in_every_app(till):
    answers = [
        (till.get("/api/v1/pricing/rules/", {"store": "DK-AAR01"}), "store"),
        (
            till.post(
                "/api/v1/pricing/basket/",
                {"lines": [{"sku": "SHIRT", "quantity": 1}], "store": "DK-AAR01"},
                format="json",
            ),
            "store",
        ),
        (
            till.get("/api/v1/inventory/availability/", {"sku": "SHIRT", "store": "DK-AAR01"}),
            "store",
        ),
    ]

    bodies = _assert_same_error(answers, errors.StoreNotAllowedError)
    assert all(body["extra"] == {"store": "DK-CPH01"} for body in bodies)


def test_shared_errors_a_key_naming_another_channel_is_403_in_every_app(web):
    answers = [
        (web.get("/api/v1/pricing/campaigns/", {"channel": "POS-DK"}), "channel"),
        (
            web.get(
                "/api/v1/inventory/availability/",
                {"sku": "SHIRT", "store": "DK-CPH01", "channel": "POS-DK"},
            ),
            "channel",
        ),
        (
            web.get(
                "/api/v1/inventory/availability/channel/", {"sku": "SHIRT", "channel": "POS-DK"}
            ),
            "channel",
        ),
    ]

    bodies = _assert_same_error(answers, errors.ChannelNotAllowedError)
    assert all(body["extra"] == {"channel": "WEB-DK"} for body in bodies)

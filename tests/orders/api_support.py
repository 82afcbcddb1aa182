"""Helpers of the orders API tests: key-authenticated clients and request bodies."""

from __future__ import annotations

import itertools

from rest_framework.test import APIClient

from tests.factories import ChannelFactory, make_api_client

_keys = itertools.count(1)


def client_for(channel, store=None) -> APIClient:
    """An API client authenticated with a new key of ``channel`` (bound to ``store``)."""
    _, key = make_api_client(channel=channel, store=store)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def app_channel():
    """A second sales channel (the app) with the webshop's market."""
    return ChannelFactory(code="APP-DK", name="App DK", kind="app")


def idem() -> dict:
    """Headers with a fresh Idempotency-Key."""
    return {"HTTP_IDEMPOTENCY_KEY": f"test-{next(_keys)}"}


def place_body(world, items=(("SHIRT", 1),), **overrides) -> dict:
    """A click-and-collect order at cph for the world's customer, paid by card."""
    body = {
        "customer": str(world.customer.public_id),
        "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in items],
        "fulfilment": "click_collect",
        "collect_store": world.cph.code,
        "tenders": [{"kind": "external", "external_reference": "psp-1", "provider": "card"}],
    }
    body.update(overrides)
    return body


def place(api, world, items=(("SHIRT", 1),), **overrides) -> dict:
    """Place through the API; return the 201 body."""
    body = place_body(world, items, **overrides)
    response = api.post("/api/v1/orders/", body, format="json", **idem())
    assert response.status_code == 201, response.json()
    return response.json()

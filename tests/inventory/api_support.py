"""Constants and helpers of the inventory API tests (test_api_availability,
test_api_reservations, test_api_movements)."""

from rest_framework.test import APIClient

from inventory.models import StockLevel

BASE = "/api/v1/inventory"


def api_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def level(store, product):
    return StockLevel.objects.get(location=store, product=product)

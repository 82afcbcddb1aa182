"""Constants and helpers of the pricing API tests (test_api_basket, test_api_lookups)."""

from datetime import UTC, datetime

from rest_framework.test import APIClient

from retail.gtin import gtin_with_check_digit

AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
BASKET_URL = "/api/v1/pricing/basket/"
PRICES_URL = "/api/v1/pricing/prices/"
CAMPAIGNS_URL = "/api/v1/pricing/campaigns/"
RULES_URL = "/api/v1/pricing/rules/"
MUG_GTIN = gtin_with_check_digit("570555000001")


def api_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def basket(client, lines, **extra):
    return client.post(BASKET_URL, {"lines": lines, "at": AT.isoformat(), **extra}, format="json")


def error(response, status, code, field):
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["code"] == code, body
    assert field in body["fields"], body
    assert body["fields"][field][0]["code"] == code
    return body

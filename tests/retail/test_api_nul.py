"""A NUL character (``%00``) wherever text enters the API is refused, never a server error.

PostgreSQL text cannot hold NUL; before the check each of these was a 500
there (found by fuzzing, issue 14).  In the path nothing can exist: 404; in a
query or body field: 400 ``null_characters_not_allowed`` naming the field.
"""

import pytest

from retail.models import Customer

pytestmark = pytest.mark.django_db

NUL_PATHS = [
    "/api/v1/products/SKU%00/",
    "/api/v1/stores/DK%00/",
    "/api/v1/channels/WEB%00/",
    "/api/v1/loyalty/members/1%00/",
    "/api/v1/loyalty/members/1%00/points/",
    "/api/v1/orders/W-1%00/",
    "/api/v1/inventory/feeds/1%00/",
]
NUL_POSTS = [
    "/api/v1/orders/W-1%00/pick/",
    "/api/v1/orders/W-1%00/cancel/",
    "/api/v1/orders/W-1%00/returns/",
    "/api/v1/inventory/reservations/R%00/release/",
    "/api/v1/loyalty/stored-value/holds/H%00/release/",
]


def _not_found(response):
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("url", NUL_PATHS)
def test_api_nul_in_a_path_value_is_not_found(api, url):
    _not_found(api.get(url))


@pytest.mark.parametrize("url", NUL_POSTS)
def test_api_nul_in_a_path_value_of_a_write_is_not_found(api, url):
    _not_found(api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"))


def _refused(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["fields"][field][0]["code"] == "null_characters_not_allowed", body
    return body


def test_api_nul_in_a_filter_is_400_naming_it(api):
    _refused(api.get("/api/v1/products/", {"sku": "\x00"}), "sku")
    _refused(api.get("/api/v1/products/?sku=A,%00B"), "sku")


def test_api_nul_in_a_lookup_query_is_400_naming_it(api):
    _refused(api.get("/api/v1/pricing/prices/", {"sku": "MUG\x00"}), "sku")


def test_api_nul_in_a_body_field_is_400_naming_it_and_writes_nothing(api):
    body = {"email": "a@example.com", "first_name": "A", "preferred_store": "DK\x00"}
    response = api.post("/api/v1/customers/", body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    _refused(response, "preferred_store")
    assert not Customer.objects.exists()


def test_api_nul_in_a_nested_body_field_names_its_path(api):
    lines = [{"sku": "MUG", "quantity": 1}, {"sku": "P\x00N", "quantity": 1}]
    _refused(api.post("/api/v1/pricing/basket/", {"lines": lines}, format="json"), "lines.1.sku")

"""Every API error has one shape: {"code", "message", "fields"?, "extra"?}."""

import pytest

pytestmark = pytest.mark.django_db


def test_error_validation_names_each_field(api):
    response = api.post(
        "/api/v1/customers/",
        {"email": "not-an-email", "language": "fr", "phone": "12"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="bad-1",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"email", "language", "phone"}
    assert body["fields"]["language"][0]["code"] == "invalid_choice"
    assert body["fields"]["email"][0] == {
        "code": "invalid",
        "message": "Enter a valid email address.",
    }
    assert "email" in body["message"]


def test_error_object_level_validation_points_at_field(api):
    response = api.post(
        "/api/v1/customers/",
        {"first_name": "Ole"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="bad-2",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["email"][0]["code"] == "required"


def test_error_domain_error_has_code_field_and_status(api):
    api.post("/api/v1/customers/", {"email": "a@example.dk"}, HTTP_IDEMPOTENCY_KEY="one")
    response = api.post("/api/v1/customers/", {"email": "A@Example.dk"}, HTTP_IDEMPOTENCY_KEY="two")
    assert response.status_code == 409
    assert response.json() == {
        "code": "customer_exists",
        "message": "A customer with this e-mail already exists.",
        "fields": {
            "email": [
                {
                    "code": "customer_exists",
                    "message": "A customer with this e-mail already exists.",
                }
            ]
        },
    }


def test_error_malformed_json_is_parse_error(api):
    response = api.generic(
        "POST",
        "/api/v1/customers/lookup/",
        "{not json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_error_unknown_object_is_not_found(api):
    response = api.get("/api/v1/products/NO-SUCH-SKU/")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "No Product matches the given query.",
    }


def test_error_unknown_endpoint_is_json_not_found(api):
    response = api.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_error_wrong_method_is_method_not_allowed(api):
    response = api.delete("/api/v1/channels/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_error_bad_gtin_filter_names_the_field(api):
    response = api.get("/api/v1/products/", {"gtin": "5701234567890"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_gtin"
    assert body["fields"]["gtin"][0]["message"] == "'5701234567890' has a wrong check digit."


def test_error_customer_lookup_needs_exactly_one_identifier(api):
    response = api.post("/api/v1/customers/lookup/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "customer_identifier_required"
    both = {"email": "a@example.dk", "member_number": "123"}
    assert api.post("/api/v1/customers/lookup/", both).json()["code"] == (
        "customer_identifier_required"
    )


def test_error_unexpected_exception_is_logged_500(api, caplog, monkeypatch):
    from retail.api import views

    def explode(**kwargs):
        raise RuntimeError("boom")

    # An outside failure we cannot provoke otherwise: the lookup selector crashing.
    monkeypatch.setattr(views, "customer_find", explode)
    response = api.post("/api/v1/customers/lookup/", {"email": "a@example.dk"})
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "boom" not in response.content.decode()
    assert any("Unhandled error" in r.message for r in caplog.records)

"""Every answer under /api/ is JSON in the one error shape, with DEBUG on and off.

``make run`` runs with DEBUG on, where Django's own pages are the technical HTML
ones and a POST without its trailing slash used to be APPEND_SLASH's RuntimeError.
"""

import json

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from django.views.decorators.http import require_POST

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a bug in a plain view")


@require_POST
def _plain_post_only(request):
    return HttpResponse("ok")


urlpatterns = [
    path("api/test/boom/", _boom),
    path("api/test/post-only/", _plain_post_only),
    path("", include("retail.urls")),
]
handler404 = "retail.urls.not_found"
handler500 = "retail.urls.server_error"

DEBUG_ON_AND_OFF = pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) <= {"code", "message", "fields", "extra"}
    assert body["code"] and body["message"]
    if code:
        assert body["code"] == code
    return body


@DEBUG_ON_AND_OFF
@pytest.mark.parametrize("url", ["/api/v1/no-such-endpoint/", "/api/nothing", "/api/v1/me/x/"])
def test_api_unknown_path_is_404_json(api, debug, url):
    with override_settings(DEBUG=debug):
        assert_error_shape(api.get(url), 404, "not_found")
        assert_error_shape(api.post(url, {}, format="json"), 404, "not_found")


@DEBUG_ON_AND_OFF
def test_api_wrong_method_is_405_json(api, debug):
    with override_settings(DEBUG=debug):
        assert_error_shape(api.delete("/api/v1/me/"), 405, "method_not_allowed")
        assert_error_shape(api.put("/api/v1/products/", {}), 405, "method_not_allowed")


@DEBUG_ON_AND_OFF
def test_api_wrong_method_on_a_plain_django_view_is_405_json(api, debug):
    with override_settings(DEBUG=debug, ROOT_URLCONF=__name__):
        assert_error_shape(api.get("/api/test/post-only/"), 405, "method_not_allowed")


@DEBUG_ON_AND_OFF
def test_api_post_without_trailing_slash_is_served_by_the_slashed_route(api, debug):
    with override_settings(DEBUG=debug):
        slashed = api.post(
            "/api/v1/customers/lookup/", {"email": "nobody@example.dk"}, format="json"
        )
        bare = api.post("/api/v1/customers/lookup", {"email": "nobody@example.dk"}, format="json")
    assert_error_shape(slashed, 404, "customer_not_found")
    assert bare.status_code == slashed.status_code
    assert bare.json() == slashed.json()


@DEBUG_ON_AND_OFF
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_api_other_writes_without_trailing_slash_reach_the_view(api, debug, method):
    with override_settings(DEBUG=debug):
        response = getattr(api, method)("/api/v1/me", {}, format="json")
    # The view answers (it takes GET only), not a redirect or APPEND_SLASH's 500.
    assert_error_shape(response, 405, "method_not_allowed")


@DEBUG_ON_AND_OFF
def test_api_get_without_trailing_slash_still_redirects_to_the_canonical_url(api, debug):
    with override_settings(DEBUG=debug):
        response = api.get("/api/v1/me")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/me/"


@DEBUG_ON_AND_OFF
def test_api_server_error_in_a_plain_view_is_500_json(debug):
    client = Client(raise_request_exception=False)
    with override_settings(DEBUG=debug, ROOT_URLCONF=__name__):
        body = assert_error_shape(client.get("/api/test/boom/"), 500, "server_error")
    assert "a bug" not in body["message"]  # no internals, even with DEBUG on


@DEBUG_ON_AND_OFF
def test_api_disallowed_host_is_400_json(api, debug):
    with override_settings(DEBUG=debug):
        response = api.get("/api/v1/me/", HTTP_HOST="evil.example")
    assert_error_shape(response, 400, "bad_request")


@DEBUG_ON_AND_OFF
def test_api_body_too_large_is_413_json(api, debug):
    with override_settings(DEBUG=debug, DATA_UPLOAD_MAX_MEMORY_SIZE=200):
        response = api.post(
            "/api/v1/pricing/basket/",
            {"lines": [{"sku": "SKU-000001", "quantity": 1}] * 50},
            format="json",
        )
    assert_error_shape(response, 413, "request_too_large")


@DEBUG_ON_AND_OFF
def test_api_malformed_json_is_400_parse_error(api, debug):
    with override_settings(DEBUG=debug):
        response = api.generic(
            "POST", "/api/v1/customers/lookup/", "{not json", content_type="application/json"
        )
    assert_error_shape(response, 400, "parse_error")


@DEBUG_ON_AND_OFF
def test_api_unsupported_media_type_is_415_json(api, debug):
    with override_settings(DEBUG=debug):
        response = api.generic(
            "POST", "/api/v1/customers/lookup/", "email=a@b.dk", content_type="text/plain"
        )
    assert_error_shape(response, 415, "unsupported_media_type")


@DEBUG_ON_AND_OFF
def test_api_session_write_without_csrf_token_is_403_json(debug):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with override_settings(DEBUG=debug):
        response = client.post(
            "/api/v1/customers/lookup/", {"email": "a@b.dk"}, content_type="application/json"
        )
    assert_error_shape(response, 403)


@DEBUG_ON_AND_OFF
def test_api_csrf_failure_view_answers_json_under_api_only(rf, debug):
    from django.conf import settings
    from django.utils.module_loading import import_string

    view = import_string(settings.CSRF_FAILURE_VIEW)
    with override_settings(DEBUG=debug):
        assert_error_shape(view(rf.post("/api/v1/x/"), reason="no token"), 403, "csrf_failed")
        page = view(rf.post("/store/login/"), reason="no token")
    assert page.status_code == 403
    assert page["Content-Type"].startswith("text/html")


@DEBUG_ON_AND_OFF
def test_pages_outside_the_api_keep_their_html_errors(client, debug):
    with override_settings(DEBUG=debug):
        response = client.get("/store/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")

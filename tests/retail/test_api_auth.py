"""Who may call the API: channel clients with a live key; the key decides what they see."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from retail.models import ApiClientKey
from retail.services.api_clients import api_key_revoke, api_key_rotate
from tests.factories import (
    ChannelFactory,
    CustomerFactory,
    StoreFactory,
    make_api_client,
    make_staff,
)

pytestmark = pytest.mark.django_db


def _client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def test_auth_no_key_is_401_with_challenge(anon_api):
    response = anon_api.get("/api/v1/products/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["code"] == "not_authenticated"


def test_auth_unknown_key_is_401(anon_api):
    response = _client_with("abcdefgh.not-a-real-secret").get("/api/v1/products/")
    assert response.status_code == 401
    assert response.json() == {
        "code": "authentication_failed",
        "message": "Invalid or revoked API key.",
    }


def test_auth_right_prefix_wrong_secret_is_401(api_key):
    prefix = api_key.split(".")[0]
    response = _client_with(f"{prefix}.WRONGSECRETWRONGSECRETWRONGSECRE").get("/api/v1/me/")
    assert response.status_code == 401


def test_auth_revoked_key_is_401(channel):
    client, key = make_api_client(channel=channel)
    assert _client_with(key).get("/api/v1/me/").status_code == 200
    api_key_revoke(api_key=client.keys.get())
    response = _client_with(key).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_auth_keys_are_stored_hashed(channel):
    client, key = make_api_client(channel=channel)
    stored = ApiClientKey.objects.get(client=client)
    secret = key.split(".", 1)[1]
    assert secret not in stored.hashed_key and secret not in stored.id


def test_auth_rotation_keeps_old_key_for_grace_then_expires(channel):
    client, old_key = make_api_client(channel=channel)
    _, new_key = api_key_rotate(client=client, grace=timedelta(hours=1))
    assert _client_with(old_key).get("/api/v1/me/").status_code == 200
    assert _client_with(new_key).get("/api/v1/me/").status_code == 200
    # Once the grace period is over the old key stops working.
    for old in ApiClientKey.objects.filter(client=client, expiry_date__isnull=False):
        old.expiry_date = timezone.now() - timedelta(seconds=1)
        old.save(update_fields=["expiry_date"])
    response = _client_with(old_key).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["message"] == "This API key has expired."
    assert _client_with(new_key).get("/api/v1/me/").status_code == 200


def test_auth_disabled_client_is_401(channel):
    client, key = make_api_client(channel=channel)
    client.is_active = False
    client.save()
    assert _client_with(key).get("/api/v1/me/").status_code == 401


def test_auth_me_tells_channel_and_store_of_a_pos_key():
    pos = ChannelFactory(code="POS-DK", kind="pos")
    store = StoreFactory(code="DK-CPH01")
    _, key = make_api_client(channel=pos, store=store, name="Till 1")
    body = _client_with(key).get("/api/v1/me/").json()
    assert body == {
        "name": "Till 1",
        "channel": {
            "code": "POS-DK",
            "name": pos.name,
            "kind": "pos",
            "country": "DK",
            "currency": "DKK",
            "language": "da",
            "is_active": True,
        },
        "store": "DK-CPH01",
    }


def test_auth_key_of_another_channel_cannot_find_its_customers(channel, api):
    other = ChannelFactory(code="WEB-SE", kind="webshop", country="SE", currency="SEK")
    customer = CustomerFactory()
    customer.external_ids.create(channel=other, kind="account", value="se-account-7")
    _, other_key = make_api_client(channel=other)

    body = {"external_id": "se-account-7"}
    assert _client_with(other_key).post("/api/v1/customers/lookup/", body).status_code == 200
    response = api.post("/api/v1/customers/lookup/", body)
    assert response.status_code == 404
    assert response.json()["code"] == "customer_not_found"


def test_auth_staff_session_may_read_but_only_hq_may_write():
    store = StoreFactory()
    clerk = make_staff("store_clerk", stores=[store])
    hq = make_staff("hq")
    session = APIClient()
    session.force_login(clerk)
    assert session.get("/api/v1/stores/").status_code == 200
    create = {"email": "new@example.dk"}
    assert session.post("/api/v1/customers/", create, HTTP_IDEMPOTENCY_KEY="k1").status_code == 403
    session.force_login(hq)
    assert session.post("/api/v1/customers/", create, HTTP_IDEMPOTENCY_KEY="k1").status_code == 201

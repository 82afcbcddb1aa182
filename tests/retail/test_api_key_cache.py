"""Remembered API keys: a checked key costs no query, and any change is seen on the next request."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from retail.api import key_cache
from retail.models import ApiClientKey
from retail.services.api_clients import api_key_revoke, api_key_rotate
from tests.factories import make_api_client

pytestmark = pytest.mark.django_db


def _client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def _key_queries(key: str) -> int:
    """Queries on the API-key table that one ``/me/`` call makes."""
    with CaptureQueriesContext(connection) as queries:
        assert _client_with(key).get("/api/v1/me/").status_code == 200
    return sum("retail_apiclientkey" in q["sql"] for q in queries.captured_queries)


def test_a_checked_key_is_not_looked_up_again(channel):
    _, key = make_api_client(channel=channel)
    assert _key_queries(key) == 1
    assert _key_queries(key) == 0
    assert _key_queries(key) == 0


def test_another_key_with_the_same_prefix_is_still_checked(channel):
    _client, key = make_api_client(channel=channel)
    assert _client_with(key).get("/api/v1/me/").status_code == 200
    prefix = key.split(".")[0]
    forged = _client_with(f"{prefix}.{'x' * 32}").get("/api/v1/me/")
    assert forged.status_code == 401


def test_a_remembered_key_is_refused_right_after_it_is_revoked(channel):
    client, key = make_api_client(channel=channel)
    assert _client_with(key).get("/api/v1/me/").status_code == 200
    api_key_revoke(api_key=client.keys.get())
    assert _client_with(key).get("/api/v1/me/").status_code == 401


def test_a_remembered_key_of_a_disabled_client_or_channel_is_refused(channel):
    client, key = make_api_client(channel=channel)
    assert _client_with(key).get("/api/v1/me/").status_code == 200
    client.is_active = False
    client.save()
    assert _client_with(key).get("/api/v1/me/").json()["message"] == (
        "This API client is disabled."
    )
    client.is_active = True
    client.save()
    assert _client_with(key).get("/api/v1/me/").status_code == 200
    channel.is_active = False
    channel.save()
    assert _client_with(key).get("/api/v1/me/").status_code == 401


def test_a_remembered_key_moved_to_another_store_answers_for_the_new_store(channel):
    from tests.factories import StoreFactory

    first, second = StoreFactory(), StoreFactory()
    client, key = make_api_client(channel=channel, store=first)
    assert _client_with(key).get("/api/v1/me/").json()["store"] == first.code
    client.store = second
    client.save()
    assert _client_with(key).get("/api/v1/me/").json()["store"] == second.code


def test_a_remembered_key_expires_on_time_without_any_change(channel):
    client, old_key = make_api_client(channel=channel)
    api_key_rotate(client=client, grace=timedelta(seconds=1))
    assert _client_with(old_key).get("/api/v1/me/").status_code == 200
    assert _key_queries(old_key) == 0  # remembered, with its expiry
    time.sleep(1.2)
    response = _client_with(old_key).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["message"] == "This API key has expired."


def test_without_a_shared_cache_keys_are_checked_every_time(channel, settings):
    settings.RETAIL_API_KEY_CACHE = False
    _, key = make_api_client(channel=channel)
    assert _key_queries(key) == 1
    assert _key_queries(key) == 1


@pytest.mark.redis
def test_a_revocation_in_one_process_is_seen_by_another_on_its_next_request(
    channel, settings, monkeypatch
):
    """Two web processes (two memories) sharing Redis: B forgets A's revoked key at once."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": "test-key-cache",
        }
    }
    process_a, process_b = key_cache.KeyMemory(), key_cache.KeyMemory()
    client, key = make_api_client(channel=channel)

    def call(memory):
        monkeypatch.setattr(key_cache, "memory", memory)
        return _client_with(key).get("/api/v1/me/").status_code

    assert call(process_b) == 200
    assert call(process_a) == 200
    monkeypatch.setattr(key_cache, "memory", process_a)
    api_key_revoke(api_key=ApiClientKey.objects.get(client=client))
    # B never heard of the revocation in-process; the revision in Redis tells it.
    assert process_b.get(process_b.digest(key), process_b.revision()) is None
    assert call(process_b) == 401
    cache.delete(key_cache.REVISION_KEY)


def test_the_cache_down_means_keys_are_checked_not_trusted(channel, settings):
    _, key = make_api_client(channel=channel)
    assert _client_with(key).get("/api/v1/me/").status_code == 200
    settings.CACHES = {
        **settings.CACHES,
        "keys": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        },
    }
    settings.RETAIL_API_KEY_CACHE_ALIAS = "keys"
    assert _key_queries(key) == 1
    assert _key_queries(key) == 1

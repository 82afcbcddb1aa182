"""The Redis cache misses instead of raising while Redis is down (retail/cache.py)."""

import pytest
from django.core.cache import cache

from tests.faults.services import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """The cache on a Redis port nothing listens on."""
    settings.CACHES = {
        "default": {
            "BACKEND": "retail.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.mark.usefixtures("redis_down")
def test_cache_while_redis_is_down_reads_miss_and_writes_are_dropped():
    cache.set("k", 1)
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.get_or_set("k", lambda: 42) == 42
    assert cache.has_key("k") is False
    cache.delete("k")
    cache.delete_many(["a"])


@pytest.mark.usefixtures("redis_down")
def test_cache_while_redis_is_down_the_api_still_authenticates_and_answers(api):
    # The key lookup reads the cache first and then the database.
    response = api.get("/api/v1/me/")
    assert response.status_code == 200, response.json()
    assert response.json()["channel"]["code"] == "WEB-DK"

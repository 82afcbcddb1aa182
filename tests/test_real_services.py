"""Proof that CI ran on the real services, and that the production wiring works with them."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.conftest import IN_CI


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_is_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
    assert version.startswith("PostgreSQL")


@pytest.mark.django_db
def test_ci_runs_the_suite_on_postgresql_and_redis():
    if not IN_CI:
        pytest.skip("only CI promises real services; locally SQLite is allowed")
    assert connection.vendor == "postgresql"
    assert settings.REDIS_URL
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


@pytest.mark.redis
def test_cache_is_redis_when_redis_url_is_set():
    import redis

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("probe", {"n": 1}, timeout=30)
    assert cache.get("probe") == {"n": 1}
    # The value really lives in Redis, not in this process.
    raw = redis.Redis.from_url(settings.REDIS_URL)
    assert any(b"probe" in key for key in raw.scan_iter(match="*probe*"))


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_celery_worker_runs_tasks_and_healthz_sees_it(celery_worker_process, client):
    from retail.tasks import worker_heartbeat

    cache.delete("retail:worker-heartbeat")
    assert client.get("/healthz").json()["checks"]["worker"]["last_seen"] is None
    result = worker_heartbeat.apply_async(queue=celery_worker_process)
    beat = result.get(timeout=30)
    body = client.get("/healthz").json()
    assert body["checks"]["broker"] == {
        "ok": True,
        "mode": "broker",
        "ms": body["checks"]["broker"]["ms"],
    }
    assert body["checks"]["worker"]["last_seen"] == beat

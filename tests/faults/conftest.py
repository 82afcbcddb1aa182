"""Fixtures of the fault tests: an own Redis, own Celery workers, an own PostgreSQL cluster.

Tests marked ``own_redis`` need the ``redis-server`` binary and ``private_postgres`` the
PostgreSQL server tools (run as root); locally they are skipped without them, under
``CI=true`` they fail, like the other service markers (tests/conftest.py).
"""

from __future__ import annotations

import shutil
import uuid

import pytest
from django.db import connection

from tests.conftest import IN_CI
from tests.faults.services import RedisServer, Worker, celery_on, private_postgres_problem


def _problem(item) -> str | None:
    if item.get_closest_marker("own_redis") and not shutil.which("redis-server"):
        return "needs the redis-server binary (apt-get install redis-server)"
    if item.get_closest_marker("private_postgres"):
        return private_postgres_problem()
    return None


def pytest_runtest_setup(item):
    problem = _problem(item)
    if problem:
        if IN_CI:
            pytest.fail(f"CI=true and this test {problem}; CI must not skip it.", pytrace=False)
        pytest.skip(problem)


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own (never the machine's shared one)."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def faults_queue(own_redis, settings, monkeypatch):
    """Cache, broker and results of this process on ``own_redis``; yields the test's queue.

    The queues by kind are off meanwhile, so every task goes to the test's queue and its
    workers (``retail.celery.QUEUE_OF_TASK``, as in the shared ``celery_worker_process``).
    """
    from retail import celery as retail_celery
    from retail.celery import app

    monkeypatch.setattr(retail_celery, "QUEUE_OF_TASK", {})

    settings.CACHES = {
        "default": {
            "BACKEND": "retail.cache.ResilientRedisCache",
            "LOCATION": own_redis.url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    with celery_on(app, url=own_redis.url, queue=queue):
        yield queue


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    """Uploads under a temporary MEDIA_ROOT the worker processes find too."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", settings.MEDIA_ROOT)
    return tmp_path / "media"


@pytest.fixture
def make_worker(own_redis, faults_queue, tmp_path):
    """Start real workers on ``own_redis`` and the test's queue; all stopped afterwards."""
    from retail.celery import app

    workers: list[Worker] = []
    db = connection.settings_dict

    def start(**env: str) -> Worker:
        env = {
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                f"/{db['NAME']}"
            ),
            "CACHE_KEY_PREFIX": "faults",
            **env,
        }
        worker = Worker(
            broker_url=own_redis.url,
            queue=faults_queue,
            env=env,
            log=tmp_path / f"worker-{len(workers)}.log",
        )
        workers.append(worker)
        worker.start(app)
        return worker

    yield start
    for worker in workers:
        worker.kill()  # nothing of theirs is needed any more; a warm shutdown takes seconds

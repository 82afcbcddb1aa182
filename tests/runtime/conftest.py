"""Fixtures of the production-runtime tests: a stack on its own database, Redis queues emptied."""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit

import pytest

from tests.runtime.stack import Stack, database_drop, with_database

QUEUE_KEYS = ("notifications", "stock_feeds", "imports", "sweeps", "default", "celery")


def runtime_urls(suffix: str) -> tuple[str, str]:
    """A database of its own beside the suite's, and the Redis the stack uses.

    ``RUNTIME_REDIS_URL`` (else the suite's ``REDIS_URL``, its own db number) is the
    broker and cache; its queues are emptied first, so a message an earlier test left
    behind never reaches this stack's workers.
    """
    import redis

    database = os.environ["DATABASE_URL"]
    name = urlsplit(database).path.lstrip("/") or "retail"
    redis_url = os.environ.get("RUNTIME_REDIS_URL") or os.environ["REDIS_URL"]
    redis.Redis.from_url(redis_url).delete(*QUEUE_KEYS)
    return with_database(database, f"{name}_{suffix}"), redis_url


@pytest.fixture
def make_stack(tmp_path):
    """Build stacks on fresh databases; stop their processes and drop the databases after."""
    stacks: list[Stack] = []

    def make(suffix: str, **extra_env: str) -> Stack:
        database_url, redis_url = runtime_urls(f"{suffix}_{uuid.uuid4().hex[:6]}")
        stack = Stack(
            database_url=database_url,
            redis_url=redis_url,
            workdir=tmp_path / suffix,
            extra_env=extra_env,
        )
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()
        database_drop(stack.database_url)

"""Shared fixtures, and the rule that CI never skips a test needing a real service.

Tests marked ``postgres``, ``redis``, ``browser`` or ``gettext`` are skipped locally when
the service is missing, but fail when ``CI=true``: a green CI run means they ran.
"""

import os
import shutil

import pytest
from rest_framework.test import APIClient

from tests.factories import ChannelFactory, make_api_client

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
)


def _redis_reachable() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return "REDIS_URL is not set"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        return f"Redis at REDIS_URL does not answer: {exc}"
    return None


def _replica_streaming() -> str | None:
    from django.conf import settings

    replica = settings.DATABASES.get("replica")
    if replica is None or settings.DATABASES["default"]["PORT"] == replica["PORT"]:
        return "no replica (RETAIL_TEST_REPLICA_URL or DATABASE_REPLICA_URL; .ci/replica.sh)"
    try:
        import psycopg

        with psycopg.connect(
            host=replica["HOST"] or "127.0.0.1",
            port=replica["PORT"] or 5432,
            user=replica["USER"],
            password=replica["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=2,
        ) as conn:
            in_recovery = conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    except Exception as exc:
        return f"the replica does not answer: {exc}"
    return None if in_recovery else "the replica alias is not a standby (not in recovery)"


def _missing_service(item) -> str | None:
    from django.db import connection

    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return f"needs PostgreSQL (DATABASE_URL), running on {connection.vendor}"
    if item.get_closest_marker("replica"):
        problem = "needs PostgreSQL" if connection.vendor != "postgresql" else _replica_streaming()
        if problem:
            return f"needs a streaming replica: {problem}"
    if item.get_closest_marker("redis"):
        problem = _redis_reachable()
        if problem:
            return f"needs Redis: {problem}"
    if item.get_closest_marker("gettext") and not (
        shutil.which("xgettext") and shutil.which("msguniq")
    ):
        return "needs GNU gettext for makemessages (apt-get install gettext)"
    if item.get_closest_marker("browser"):
        if not CHROMIUM:
            return "needs Debian's chromium (apt-get install chromium)"
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            return "needs the playwright Python package"
    return None


def pytest_collection_modifyitems(config, items):
    """Tests marked ``pgbouncer`` run only through PgBouncer (.ci/pgbouncer-tests.sh)."""
    if os.environ.get("DATABASE_POOLER") == "pgbouncer":
        return
    pooled = [item for item in items if item.get_closest_marker("pgbouncer") is not None]
    if pooled:
        config.hook.pytest_deselected(items=pooled)
        items[:] = [item for item in items if item.get_closest_marker("pgbouncer") is None]


# Lines a test module leaves for the end of the run (the API fuzzer's case counts).
SUMMARY = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter, config):
    for line in config.stash.get(SUMMARY, []):
        terminalreporter.write_line(line)


def pytest_runtest_setup(item):
    problem = _missing_service(item)
    if problem:
        if IN_CI:
            pytest.fail(f"CI=true and this test {problem}; CI must not skip it.", pytrace=False)
        pytest.skip(problem)


@pytest.fixture
def channel(db):
    return ChannelFactory(code="WEB-DK", name="Webshop DK", kind="webshop")


@pytest.fixture
def api_key(channel):
    """A plain API key of a webshop client in ``channel``."""
    _, key = make_api_client(channel=channel, name="Webshop DK")
    return key


@pytest.fixture
def api(api_key):
    """A DRF test client authenticated as the webshop client."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key}")
    return client


@pytest.fixture
def anon_api():
    return APIClient()


@pytest.fixture
def celery_worker_process(settings, tmp_path, monkeypatch):
    """A real ``celery worker`` process on Redis, consuming a queue of its own.

    It talks to the same test database as the test (use it with
    ``django_db(transaction=True)`` so the worker sees committed rows).
    Yields the queue name; pass it as ``queue=`` to ``apply_async``.  What the
    worker logs (INFO and up, JSON lines) is in ``tmp_path / "celery-worker.log"``.
    The queues by kind (``retail.celery.QUEUE_OF_TASK``) are off meanwhile, so a
    test that points ``task_default_queue`` at this worker gets every task there.
    """
    import subprocess
    import sys
    import time
    import uuid
    from pathlib import Path

    from django.db import connection

    from retail import celery as retail_celery
    from retail.celery import app

    monkeypatch.setattr(retail_celery, "QUEUE_OF_TASK", {})
    queue = f"e2e-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "retail.settings_test"}
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    root = Path(__file__).resolve().parent.parent
    log = (tmp_path / "celery-worker.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "retail",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            f"--hostname={queue}@%h",
        ],
        cwd=root,
        env=env,
        # A file, not a pipe: nobody reads a pipe while the test runs, and a full one
        # would stop the worker.
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(
                    f"celery worker exited early:\n{(tmp_path / 'celery-worker.log').read_text()}"
                )
            replies = app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1)
            if replies:
                break
        else:
            pytest.fail("celery worker did not come up within 60 s")
        yield queue
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()

"""Shared fixtures, and the rule that CI never skips a test needing a real service.

Tests marked ``postgres``, ``redis`` or ``browser`` are skipped locally when
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


def _missing_service(item) -> str | None:
    from django.db import connection

    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return f"needs PostgreSQL (DATABASE_URL), running on {connection.vendor}"
    if item.get_closest_marker("redis"):
        problem = _redis_reachable()
        if problem:
            return f"needs Redis: {problem}"
    if item.get_closest_marker("browser"):
        if not CHROMIUM:
            return "needs Debian's chromium (apt-get install chromium)"
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            return "needs the playwright Python package"
    return None


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

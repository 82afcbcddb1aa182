"""Headless Chromium for the store-page tests: Debian's browser driven by Playwright's sync API."""

from pathlib import Path

import pytest
from django.db import connections

from tests.conftest import CHROMIUM

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser(monkeypatch):
    """Debian's headless Chromium (Playwright's own download does not work here).

    Data fixtures should come before this one: ORM calls while Playwright's
    event loop runs are allowed (the env var below) but use separate connections.
    """
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would refuse
    # plain synchronous ORM calls made meanwhile, though nothing here is async.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # While Playwright's loop runs, Django hands out other connections (asgiref's
            # Local sees a new context); close them, or PostgreSQL cannot drop the test DB.
            connections.close_all()


@pytest.fixture
def viewport():
    return {"width": 1100, "height": 900}


@pytest.fixture
def page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()

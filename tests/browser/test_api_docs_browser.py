"""Swagger UI at /api/docs/ with the internet cut off: it still lists every operation."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_api_docs_work_offline(live_server, page):
    from playwright.sync_api import expect

    blocked: list[str] = []

    def only_local(route):
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname not in LOCAL_HOSTS:
            blocked.append(url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", only_local)
    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Retail back office API")
    operations = page.locator(".opblock-summary")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 50
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/pricing/basket/")
    ).to_be_visible()
    # Each operation says what it does, and opens on an example of the demo data.
    basket = page.locator(".opblock", has_text="Price a basket with every discount explained")
    expect(basket).to_have_count(1)
    basket.locator(".opblock-summary").click()
    expect(basket.locator(".body-param__example, .microlight").first).to_contain_text("SKU-000001")
    basket.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "api-docs-offline.png", full_page=False)
    assert blocked == []

"""The 403 and 404 pages on a phone: readable, no horizontal scroll."""

import pytest

from tests.factories import make_staff


@pytest.fixture
def viewport():
    return {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_error_pages_fit_a_phone(live_server, page):
    from playwright.sync_api import expect

    make_staff("marketer", username="mia-phone")
    page.goto(f"{live_server.url}/store/login/")
    page.get_by_label("User name").fill("mia-phone")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Log in").click()

    for path, heading in (
        ("/admin/orders/order/", "No access"),
        ("/store/nope/", "Page not found"),
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)

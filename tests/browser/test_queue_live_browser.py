"""The work queue refreshes itself: a new order appears with a badge, no page reload."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_staff
from tests.orders.world import make_world


@pytest.fixture
def shop(db):
    world = make_world()
    make_staff("store_clerk", stores=[world.cph], username="clerk-live", first_name="Lone")
    world.place(at=timezone.now() - timedelta(hours=1))
    return world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_queue_shows_a_new_order_and_badge_without_reload(
    live_server, shop, page, settings
):
    from playwright.sync_api import expect

    settings.ORDERS_QUEUE_REFRESH_SECONDS = 1
    page.goto(f"{live_server.url}/store/login/?next=/store/orders/")
    page.get_by_label("User name").fill("clerk-live")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("count-new")).to_have_text("1")
    expect(page.get_by_test_id("new-badge")).to_be_hidden()
    # A marker on the window: a reload would drop it.
    page.evaluate("window.__sameQueuePage = true")

    order = shop.place(at=timezone.now())
    expect(page.locator(f'tr[data-order="{order.number}"]')).to_be_visible(timeout=8_000)
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    expect(page.get_by_test_id("new-badge")).to_be_visible()
    expect(page.get_by_test_id("new-badge")).to_contain_text("1 new order")
    expect(page).to_have_title(re.compile(r"^\(1\) "))
    assert page.evaluate("window.__sameQueuePage") is True
    assert page.locator("#queue-live").get_attribute("data-chimes") == "1"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path",
    [
        "/store/",
        "/store/labels/?q=Mug",
        "/store/labels/print/?codes=MUG+SHIRT",
    ],
)
# The queue and the lookup's barcode table stack on a phone with ``table--stack`` (its CSS
# comes with the responsive-tables change); these pages need nothing else.
def test_browser_store_day_pages_fit_a_phone(live_server, shop, browser, path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/store/login/?next={path}")
    page.get_by_label("User name").fill("clerk-live")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth).slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    context.close()
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px: {wide}"

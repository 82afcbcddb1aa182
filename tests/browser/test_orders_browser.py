"""Click-and-collect in a real browser: queue, pick list, pick, short-pick, ready, hand-over."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order, OrderLine, Refund
from tests.browser.conftest import ARTIFACTS
from tests.factories import make_staff
from tests.orders.world import make_world


@pytest.fixture
def viewport():
    return {"width": 1200, "height": 900}


@pytest.fixture
def shop(db):
    world = make_world()
    make_staff("store_clerk", stores=[world.cph], username="clerk-cph", first_name="Lars")
    placed = timezone.now() - timedelta(hours=1)
    order = world.place([("SHIRT", 1), ("MUG", 2)], at=placed)
    other = world.place([("SOCKS", 1)], store=world.ros, at=placed)
    return world, order, other


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_clerk_picks_short_picks_readies_and_hands_over(live_server, shop, page):
    from playwright.sync_api import expect

    world, order, other = shop
    customer = f"{world.customer.first_name} {world.customer.last_name}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/store/login/?next=/store/")
    page.get_by_label("User name").fill("clerk-cph")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Log in").click()

    # From the store home to the queue: one new order, ours only.
    page.get_by_test_id("home-work-queue").click()
    expect(page).to_have_url(f"{live_server.url}/store/orders/")
    expect(page.get_by_test_id("count-new")).to_have_text("1")
    new = page.get_by_test_id("section-new")
    row = new.locator(f'tr[data-order="{order.number}"]')
    expect(row).to_contain_text(customer)
    expect(row).to_contain_text("Click-and-collect")
    expect(row.get_by_test_id("age")).to_contain_text("1 h")
    expect(page.locator("main")).not_to_contain_text(other.number)
    page.screenshot(path=ARTIFACTS / "orders-queue.png", full_page=True)

    # Tick it and print the pick list: picking starts.
    row.get_by_role("checkbox").check()
    new.get_by_role("button", name="Print pick list for ticked orders").click()
    sheet = page.get_by_test_id("pick-order")
    expect(sheet).to_contain_text(order.number)
    expect(sheet.locator(".customer")).to_have_text(customer)
    expect(sheet.locator("tbody tr")).to_have_count(2)
    expect(sheet.locator("tbody tr").first).to_contain_text("Linen shirt")
    expect(sheet.locator("svg.barcode")).to_have_count(2)
    page.emulate_media(media="print")
    expect(page.locator(".pick-toolbar")).to_be_hidden()
    expect(page.locator(".site-nav")).to_be_hidden()
    page.screenshot(path=ARTIFACTS / "orders-pick-list-print.png", full_page=True)
    page.emulate_media(media="screen")
    order.refresh_from_db()
    assert order.status == Order.Status.PICKING

    # Picking: confirm the shirt, the mugs are missing: remove and refund.
    page.get_by_role("link", name="Open the picking page").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Picking")
    page.get_by_role("button", name="Picked: Linen shirt").click()
    expect(page.locator(".message--success")).to_contain_text("Picked 1 x Linen shirt.")
    mug = page.locator('tr[data-sku="MUG"]')
    mug.get_by_text("Missing or damaged?").click()
    mug.get_by_role("link", name="Remove and refund").click()
    # Nothing is refunded before the clerk has seen the item, the amount and where it goes.
    expect(page.get_by_test_id("remove-item")).to_contain_text("Stoneware mug")
    page.get_by_role("button", name="Remove and refund").click()
    expect(page.locator(".message--success")).to_contain_text("Removed Stoneware mug")
    expect(page.locator('tr[data-sku="MUG"]').get_by_test_id("line-status")).to_have_text(
        "Removed (short-picked)"
    )
    expect(page.get_by_test_id("figures-removed")).to_contain_text("Stoneware mug")
    expect(page.get_by_test_id("figures-paid")).to_contain_text("200.00 DKK")
    page.screenshot(path=ARTIFACTS / "orders-picking.png", full_page=True)
    page.get_by_role("button", name="Ready for pickup").click()
    expect(page.locator(".message--success")).to_contain_text("is ready for pickup")
    expect(page.get_by_test_id("order-status")).to_have_text("Ready for pickup")

    # Hand-over: the clerk types the code in lower case with a dash.
    order.refresh_from_db()
    code = order.pickup_code
    page.get_by_role("link", name="Hand over").first.click()
    field = page.get_by_label("Pickup code")
    expect(field).to_be_focused()
    field.fill(f"{code[:3].lower()}-{code[3:].lower()}")
    field.press("Enter")
    found = page.get_by_test_id("hand-over-order")
    expect(found).to_contain_text(order.number)
    expect(found.get_by_test_id("customer-name")).to_have_text(customer)
    expect(found.get_by_test_id("hand-over-lines").locator("tbody tr")).to_have_count(1)
    expect(found).to_contain_text("Linen shirt")
    page.screenshot(path=ARTIFACTS / "orders-hand-over.png", full_page=True)
    found.get_by_role("button", name=f"Hand over to {customer}").click()
    expect(page.locator(".message--success")).to_contain_text(
        f"Order {order.number} handed over to {customer}."
    )

    # A wrong code is a clear message, not an error page.
    field = page.get_by_label("Pickup code")
    field.fill("ZZZZZZ")
    field.press("Enter")
    expect(page.get_by_test_id("not-found")).to_contain_text(
        "No order ready for pickup has this code here."
    )

    order.refresh_from_db()
    assert order.status == Order.Status.COLLECTED
    lines = {line.sku: line for line in order.lines.all()}
    assert lines["SHIRT"].status == OrderLine.Status.PICKED
    assert lines["MUG"].status == OrderLine.Status.REMOVED
    assert lines["MUG"].refunded_amount == lines["MUG"].total_amount
    assert Refund.objects.filter(order=order, reason=Refund.Reason.SHORT_PICK).exists()
    other.refresh_from_db()
    assert other.status == Order.Status.NEW

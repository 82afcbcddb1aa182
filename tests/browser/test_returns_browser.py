"""A return at the counter in a real browser at phone size: find, choose, review, confirm, print.

The clerk scans the receipt, takes one unit back, sees the refund split,
confirms (twice: the second click refunds nothing), and gets the receipt;
no page scrolls sideways at 390 px.  A Danish clerk does the same with a
credit note and reads the page in Danish.
"""

import pytest
from django.utils import timezone

from orders.models import Refund, Return
from tests.browser.conftest import ARTIFACTS
from tests.factories import make_staff
from tests.orders.returns_support import sell
from tests.orders.world import make_world

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def viewport():
    return {"width": 390, "height": 844}


@pytest.fixture
def counter(transactional_db):
    world = make_world()
    receipt = sell(world, [("SHIRT", 1), ("MUG", 2)], at=timezone.now())
    make_staff("store_clerk", stores=[world.cph], username="clerk-cph", first_name="Jonas")
    make_staff("store_clerk", stores=[world.cph], username="klerk-da", language="")
    return world, receipt


def _log_in(page, url, user, *, labels=("User name", "Password", "Log in")):
    page.goto(f"{url}/store/login/?next=/store/returns/")
    page.get_by_label(labels[0]).fill(user)
    page.get_by_label(labels[1]).fill("pw-for-tests")
    page.get_by_role("button", name=labels[2]).click()


def _no_sideways_scroll(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"returns-{name}.png", full_page=True)
    assert page.evaluate(OVERFLOW) <= 0, name


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_return_at_the_counter_on_a_phone(live_server, counter, page):
    from playwright.sync_api import expect

    _world, receipt = counter
    _log_in(page, live_server.url, "clerk-cph")
    expect(page).to_have_url(f"{live_server.url}/store/returns/")
    page.get_by_role("link", name="Returns").first.click()
    field = page.get_by_label("Receipt, order or customer")
    expect(field).to_be_focused()
    _no_sideways_scroll(page, "find")

    # The customer's e-mail lists their purchases, each with a tap target to take it back.
    field.fill("mette@example.dk")
    field.press("Enter")
    purchases = page.get_by_test_id("customer-purchases")
    expect(purchases).to_contain_text(receipt.number)
    take_back = purchases.get_by_role("link", name="Take back")
    assert take_back.bounding_box()["height"] >= 44
    _no_sideways_scroll(page, "find-customer")

    field = page.get_by_label("Receipt, order or customer")
    field.fill(receipt.receipt_id)  # what the receipt barcode carries
    field.press("Enter")
    expect(page.get_by_test_id("order-number")).to_have_text(receipt.number)
    _no_sideways_scroll(page, "choose")

    page.get_by_label("Units of Stoneware mug to return").fill("1")
    page.get_by_label("Condition of Stoneware mug").select_option("damaged")
    page.get_by_label("Reason (optional)").fill("Chipped")
    page.get_by_role("button", name="Review the return").click()

    review = page.get_by_test_id("return-review")
    expect(review.get_by_test_id("return-value")).to_contain_text("80.00 DKK")
    expect(review.get_by_test_id("refund-split")).to_contain_text("80.00 DKK")
    _no_sideways_scroll(page, "review")
    assert not Return.objects.exists()

    button = page.get_by_role("button", name="Confirm the return")
    box = button.bounding_box()
    assert box["height"] >= 44
    button.dblclick()  # an impatient double tap

    receipt_card = page.get_by_test_id("return-receipt")
    expect(receipt_card).to_be_visible()
    expect(receipt_card).to_contain_text(receipt.number)
    expect(receipt_card).to_contain_text("Damaged: written off")
    expect(receipt_card).to_contain_text("Jonas")
    expect(page.get_by_test_id("receipt-total")).to_contain_text("80.00 DKK")
    _no_sideways_scroll(page, "receipt")
    page.emulate_media(media="print")
    page.screenshot(path=ARTIFACTS / "returns-receipt-print.png", full_page=True)
    expect(page.get_by_role("button", name="Print")).to_be_hidden()

    assert Return.objects.count() == 1 and Refund.objects.count() == 1
    assert receipt.lines.get(sku="MUG").returned_quantity == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_return_for_a_credit_note_in_danish(live_server, counter, browser, viewport):
    from playwright.sync_api import expect

    _world, receipt = counter
    context = browser.new_context(viewport=viewport, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        _log_in(page, live_server.url, "klerk-da", labels=("Brugernavn", "Adgangskode", "Log ind"))
        expect(page.locator("html")).to_have_attribute("lang", "da")
        page.locator("#returns-q").fill(receipt.number)
        page.locator("#returns-q").press("Enter")
        expect(page.get_by_test_id("order-number")).to_have_text(receipt.number)
        lines = page.get_by_test_id("return-lines")
        expect(lines).to_contain_text("Vare")  # "Product" on the stacked rows
        expect(lines.locator("option[value=resellable]").first).to_have_text("Tilbage på lager")
        page.locator("input[name=qty_1]").fill("1")
        page.locator("input[name=mode][value=credit_note]").check()
        page.get_by_test_id("choose-form").locator("button[type=submit]").click()

        # Danish decimals.
        expect(page.get_by_test_id("credit-note-preview")).to_contain_text("200,00 DKK")
        _no_sideways_scroll(page, "review-da")
        page.get_by_test_id("confirm-form").locator("button[type=submit]").click()

        note = page.get_by_test_id("credit-note")
        expect(note).to_contain_text("Tilgodebevis")
        record = Return.objects.get()
        code = page.get_by_test_id("credit-note-code").inner_text()
        assert record.refund_to == "credit_note" and len(code) >= 8
        expect(page.get_by_role("button", name="Udskriv")).to_be_visible()
        _no_sideways_scroll(page, "receipt-da")
    finally:
        context.close()

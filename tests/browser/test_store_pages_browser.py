"""The store pages in a real browser: a clerk logs in, scans a GTIN and sees the product."""

import pytest

from retail.gtin import gtin_with_check_digit
from retail.models import ProductGtin
from tests.browser.conftest import ARTIFACTS
from tests.factories import CategoryFactory, ProductFactory, StoreFactory, make_staff

EAN13 = gtin_with_check_digit("570765432109")
MULTIPACK = gtin_with_check_digit("1" + EAN13[:12])


@pytest.fixture
def viewport():
    return {"width": 1100, "height": 800}


@pytest.fixture
def shop(db):
    store = StoreFactory(code="CPH01", name="København Strøget")
    make_staff("store_clerk", stores=[store], username="clerk-cph", first_name="Mette")
    dairy = CategoryFactory(
        code="DAIRY", name="Dairy", parent=CategoryFactory(code="FOOD", name="Food")
    )
    product = ProductFactory(sku="YOG-500", name="Greek yoghurt 500 g", category=dairy, gtin=EAN13)
    ProductGtin.objects.create(product=product, gtin=MULTIPACK, pack_quantity=6)
    return store, product


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_clerk_logs_in_and_looks_up_a_gtin(live_server, shop, page):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/store/")
    expect(page).to_have_url(f"{live_server.url}/store/login/?next=/store/")
    page.get_by_label("User name").fill("clerk-cph")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{live_server.url}/store/")
    expect(page.get_by_test_id("store-name")).to_have_text("København Strøget")
    expect(page.get_by_role("heading", level=1)).to_have_text("København Strøget")
    page.screenshot(path=ARTIFACTS / "store-home.png", full_page=True)

    page.get_by_role("link", name="Product lookup").first.click()
    field = page.get_by_label("SKU, GTIN or product name")
    expect(field).to_be_focused()  # a scanner types into it without a click
    field.fill(MULTIPACK)
    field.press("Enter")

    product = page.get_by_test_id("product")
    expect(product).to_be_visible()
    expect(product.get_by_role("heading", level=2)).to_have_text("Greek yoghurt 500 g")
    expect(product).to_contain_text("YOG-500")
    expect(product).to_contain_text("Food \u203a Dairy")
    expect(product).to_contain_text("The scanned barcode is a pack of 6 units.")
    page.screenshot(path=ARTIFACTS / "store-product-lookup.png", full_page=True)

    page.emulate_media(media="print")
    expect(product).to_be_visible()
    expect(product).to_contain_text(EAN13)
    expect(page.get_by_role("search")).to_be_hidden()
    expect(page.locator(".site-nav")).to_be_hidden()
    page.screenshot(path=ARTIFACTS / "store-product-lookup-print.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_unknown_code_shows_not_found(live_server, shop, page):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/store/login/?next=/store/products/")
    page.get_by_label("User name").fill("clerk-cph")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Log in").click()
    field = page.get_by_label("SKU, GTIN or product name")
    field.fill("NO-SUCH-SKU")
    field.press("Enter")
    expect(page.get_by_test_id("not-found")).to_have_text(
        "No product with SKU or GTIN 'NO-SUCH-SKU'."
    )

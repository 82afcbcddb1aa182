"""The stock page in a real browser: a clerk scans a GTIN, sees every store, holds one unit."""

import pytest

from inventory.models import Reservation
from tests.browser.conftest import ARTIFACTS
from tests.factories import CustomerFactory, make_staff
from tests.inventory.helpers import make_chain


@pytest.fixture
def shop(db):
    chain = make_chain()
    make_staff("store_clerk", stores=[chain.ros], username="clerk-ros", first_name="Mette")
    CustomerFactory(first_name="Karen", last_name="Holm", email="karen@example.dk")
    return chain


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_clerk_scans_sees_stores_and_places_a_hold(live_server, shop, page):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    gtin = shop.jacket.gtins.get().gtin
    page.goto(f"{live_server.url}/store/login/?next=/store/")
    page.get_by_label("User name").fill("clerk-ros")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/store/")

    # Click one: the nav link; the scan field has the focus, so a scanner just types.
    page.get_by_role("link", name="Stock in all stores").first.click()
    field = page.get_by_label("SKU or GTIN", exact=True)
    expect(field).to_be_focused()
    field.fill(gtin)
    field.press("Enter")

    table = page.get_by_test_id("stock-table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.nth(0)).to_contain_text("Roskilde Algade")
    expect(rows.nth(0)).to_contain_text("your store")
    expect(rows.nth(1)).to_contain_text("København Strøget")
    expect(rows.nth(1)).to_contain_text("31 km")
    expect(table.locator('tr[data-store="DK-AAR01"] strong')).to_have_text("9")
    page.screenshot(path=ARTIFACTS / "store-stock-lookup.png", full_page=True)

    # Hold one in Aarhus for Karen, from the row's "Hold here" link.
    table.locator('tr[data-store="DK-AAR01"]').get_by_role("link", name="Hold here").click()
    form = page.get_by_test_id("hold-form")
    expect(form.get_by_label("Hold at")).to_have_value("DK-AAR01")
    form.get_by_label("Quantity").fill("2")
    form.get_by_label("Customer (optional)").fill("karen@example.dk")
    form.get_by_label("Note (optional)").fill("picks up Friday")
    form.get_by_role("button", name="Place hold").click()

    expect(page.locator(".message--success")).to_contain_text("Held 2 x Rain jacket at Aarhus")
    expect(table.locator('tr[data-store="DK-AAR01"] strong')).to_have_text("7")
    hold = Reservation.objects.get()
    assert (hold.location.code, hold.quantity, hold.customer.first_name) == ("DK-AAR01", 2, "Karen")
    assert hold.actor.username == "clerk-ros"

    # A hold in the clerk's own store is listed with a release button.
    form.get_by_label("Quantity").fill("1")
    form.get_by_role("button", name="Place hold").click()
    holds = page.get_by_test_id("holds")
    expect(holds.locator("tbody tr")).to_have_count(1)
    expect(holds).to_contain_text("Rain jacket")
    expect(holds).to_contain_text("Mette")
    page.screenshot(path=ARTIFACTS / "store-stock-hold.png", full_page=True)
    holds.get_by_role("button", name="Release").click()
    expect(page.locator(".message--success")).to_contain_text("Released the hold")
    expect(page.get_by_test_id("holds")).to_contain_text("No active holds in this store.")

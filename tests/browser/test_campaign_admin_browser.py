"""The campaign form in a real browser: choosing a kind shows that kind's fields, no reload."""

import pytest

from retail.roles import sync_role_groups
from tests.browser.conftest import ARTIFACTS
from tests.factories import make_staff


@pytest.fixture
def hq_user(db):
    sync_role_groups()
    return make_staff("hq", username="hq-browser")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_campaign_form_shows_the_chosen_kinds_fields(live_server, hq_user, page):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/pricing/campaign/add/")
    page.fill("#id_username", "hq-browser")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/admin/pricing/campaign/add/")

    page.select_option("#id_kind", "multibuy")
    expect(page.locator("#id_buy_quantity")).to_be_visible()
    expect(page.locator("#id_pay_quantity")).to_be_visible()
    expect(page.locator("#id_price")).to_be_visible()
    expect(page.locator(".form-row.field-gift_product")).to_be_hidden()
    expect(page.locator(".form-row.field-gift_quantity")).to_be_hidden()
    expect(page.locator(".form-row.field-repeats")).to_be_hidden()
    page.screenshot(path=ARTIFACTS / "admin-campaign-multibuy.png", full_page=True)

    page.select_option("#id_kind", "gift_with_purchase")
    expect(page.locator(".form-row.field-gift_product")).to_be_visible()
    expect(page.locator("#id_gift_quantity")).to_be_visible()
    expect(page.locator("#id_threshold_amount")).to_be_visible()
    expect(page.locator("#id_buy_quantity")).to_be_hidden()
    expect(page.locator("#id_pay_quantity")).to_be_hidden()
    expect(page.locator(".form-row.field-max_applications")).to_be_hidden()

"""The pricing API, pricing a basket: the same answer in every channel, with every error named.

The channels, the catalogue and the 3-for-2 campaign are fixtures of tests/pricing/conftest.py.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from pricing.models import PriceChange
from pricing.services.prices import price_entry_set
from retail.gtin import gtin_with_check_digit
from tests.factories import (
    CustomerFactory,
    ProductFactory,
    StoreFactory,
    make_api_client,
    make_staff,
)
from tests.pricing.api_support import (
    AT,
    BASKET_URL,
    MUG_GTIN,
    RULES_URL,
    api_client,
    basket,
    error,
)
from tests.pricing.factories import (
    EPOCH,
    CampaignFactory,
    CouponCodeFactory,
    CustomerGroupFactory,
    PriceListEntryFactory,
    PriceListFactory,
    join_group,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(web_channel):
    # Module-level on purpose: elsewhere in tests/pricing ``web`` is a channel, not a client.
    _, key = make_api_client(channel=web_channel, name="Webshop DK")
    return api_client(key)


# ---- pricing a basket ----------------------------------------------------------------------


def test_basket_price_explains_every_discount_with_totals_and_vat(web, three_for_two):
    response = basket(
        web, [{"sku": "MUG", "quantity": 3, "line_id": "a"}, {"gtin": MUG_GTIN, "quantity": 1}]
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["currency"] == "DKK"
    first, second = body["lines"]
    assert (first["line_id"], first["sku"], first["quantity"]) == ("a", "MUG", 3)
    assert (first["unit_price"], first["price_list"], first["base_total"]) == (
        "50.00",
        "PUBLIC-DK",
        "150.00",
    )
    assert first["discounts"] == [
        {
            "campaign": "MUG-3FOR2",
            "name": "Mugs 3 for 2",
            "kind": "multibuy",
            "text": "3 for 2 på krus",
            "amount": "50.00",
            "coupon": None,
        }
    ]
    assert (first["discount_total"], first["total"]) == ("50.00", "100.00")
    assert (first["vat_rate"], first["vat_amount"]) == ("25.00", "20.00")
    assert second["line_id"] == "1" and second["total"] == "50.00"
    assert (body["subtotal"], body["discount_total"], body["total"]) == (
        "200.00",
        "50.00",
        "150.00",
    )
    assert body["vat"] == [{"rate": "25.00", "gross": "150.00", "net": "120.00", "vat": "30.00"}]
    assert body["applied_campaigns"] == ["MUG-3FOR2"]
    assert body["rules_version"] is None


def test_basket_price_lists_each_application_with_its_units_and_each_campaign_total(
    web, three_for_two
):
    response = basket(
        web, [{"sku": "MUG", "quantity": 2, "line_id": "a"}, {"gtin": MUG_GTIN, "quantity": 1}]
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    # 50.00 off three 50.00 mugs, shared by all three: 16.67, 16.67 and 16.66.
    assert [line["total"] for line in body["lines"]] == ["66.66", "33.34"]
    assert body["applications"] == [
        {
            "campaign": "MUG-3FOR2",
            "name": "Mugs 3 for 2",
            "amount": "50.00",
            "times": 1,
            "units": [{"line_id": "a", "quantity": 2}, {"line_id": "1", "quantity": 1}],
        }
    ]
    assert body["campaigns"] == [
        {
            "campaign": "MUG-3FOR2",
            "name": "Mugs 3 for 2",
            "kind": "multibuy",
            "text": "3 for 2 på krus",
            "amount": "50.00",
            "applications": 1,
            "coupon": None,
        }
    ]


def test_basket_price_gives_a_hint_towards_a_deal(web, three_for_two):
    body = basket(web, [{"sku": "MUG", "quantity": 2}]).json()
    assert body["discount_total"] == "0.00"
    (hint,) = body["hints"]
    assert hint["campaign"] == "MUG-3FOR2" and hint["missing_quantity"] == 1


def test_basket_price_line_has_the_omnibus_lowest_price_of_30_days(web, catalogue):
    mug = catalogue["MUG"]
    public = PriceListFactory(code="PUBLIC-DK")
    entry = public.entries.get(product=mug)
    raise_at = AT - timedelta(days=10)
    price_entry_set(
        price_list=public,
        product=mug,
        amount=entry.amount,
        valid_from=entry.valid_from,
        valid_to=raise_at,
        source=PriceChange.Source.API,
        at=EPOCH,
    )
    price_entry_set(
        price_list=public,
        product=mug,
        amount=Decimal("60.00"),
        valid_from=raise_at,
        source=PriceChange.Source.API,
        at=EPOCH,
    )
    (line,) = basket(web, [{"sku": "MUG", "quantity": 1}]).json()["lines"]
    assert (line["unit_price"], line["lowest_price_30d"]) == ("60.00", "50.00")


def test_basket_price_unknown_sku_names_the_line(web, catalogue):
    response = basket(web, [{"sku": "MUG", "quantity": 1}, {"sku": "NOPE", "quantity": 1}])
    body = error(response, 400, "unknown_product", "lines.1.sku")
    assert body["extra"] == {"sku": "NOPE"}


def test_basket_price_unknown_gtin_names_the_line(web, catalogue):
    unknown = gtin_with_check_digit("570555999999")
    error(basket(web, [{"gtin": unknown, "quantity": 1}]), 400, "unknown_product", "lines.0.sku")


def test_basket_price_inactive_product_names_the_line(web, catalogue):
    response = basket(web, [{"sku": "PAN", "quantity": 1}, {"sku": "LAMP", "quantity": 1}])
    error(response, 400, "inactive_product", "lines.1.sku")


@pytest.mark.parametrize("quantity", [0, -1, "x", 10000, 2.5, None])
def test_basket_price_bad_quantity_names_the_line(web, catalogue, quantity):
    response = basket(web, [{"sku": "MUG", "quantity": 1}, {"sku": "PAN", "quantity": quantity}])
    error(response, 400, "invalid_quantity", "lines.1.quantity")


def test_basket_price_line_needs_exactly_one_of_sku_and_gtin(web, catalogue):
    response = basket(web, [{"quantity": 1}, {"sku": "MUG", "gtin": MUG_GTIN, "quantity": 1}])
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"lines.0.sku", "lines.1.sku"}


def test_basket_price_empty_basket_is_refused(web, catalogue):
    response = web.post(BASKET_URL, {"lines": []}, format="json")
    assert response.status_code == 400 and "lines" in response.json()["fields"]


def test_basket_price_unknown_coupon_names_the_code(web, catalogue):
    response = basket(web, [{"sku": "MUG", "quantity": 1}], coupons=["NO-SUCH-CODE"])
    body = error(response, 400, "coupon_not_found", "coupons.0")
    assert body["extra"] == {"code": "NO-SUCH-CODE"}


def test_basket_price_expired_coupon_names_the_code(web, catalogue):
    CouponCodeFactory(code="SUMMER", valid_to=AT - timedelta(days=1))
    response = basket(web, [{"sku": "MUG", "quantity": 1}], coupons=["summer"])
    error(response, 400, "coupon_expired", "coupons.0")


def test_basket_price_valid_coupon_that_does_not_apply_is_reported_not_an_error(web, catalogue):
    CouponCodeFactory(
        code="PANS20",
        max_uses=None,
        campaign__percent=Decimal(20),
        campaign__targets=[{"product": catalogue["PAN"]}],
    )
    # The channel (WEB-DK) speaks Danish; this cashier asks for English.
    response = basket(web, [{"sku": "MUG", "quantity": 1}], coupons=["PANS20"], language="en")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["coupons"] == [
        {
            "code": "PANS20",
            "applied": False,
            "status": "not_applicable",
            "reason": "no_qualifying_items",
            "message": "Nothing in the basket is part of this offer. "
            "It applies to: Frying pan (PAN).",
        }
    ]
    assert body["total"] == "50.00"


def test_basket_price_applied_coupon_is_named_on_its_discount(web, catalogue):
    CouponCodeFactory(
        code="PANS20",
        campaign__percent=Decimal(20),
        campaign__targets=[{"product": catalogue["PAN"]}],
    )
    body = basket(web, [{"sku": "PAN", "quantity": 1}], coupons=["PANS20"]).json()
    assert body["coupons"] == [
        {"code": "PANS20", "applied": True, "status": "applied", "reason": None, "message": ""}
    ]
    (discount,) = body["lines"][0]["discounts"]
    assert (discount["coupon"], discount["amount"]) == ("PANS20", "40.00")


def test_basket_price_member_price_needs_the_customer(web, catalogue):
    members = CustomerGroupFactory(code="MEMBER")
    member_list = PriceListFactory(code="MEMBER-DK", priority=10, customer_groups=[members])
    PriceListEntryFactory(price_list=member_list, product=catalogue["PAN"], amount=Decimal(180))
    customer = CustomerFactory()
    join_group(customer, members)
    lines = [{"sku": "PAN", "quantity": 1}]
    assert basket(web, lines).json()["total"] == "200.00"
    body = basket(web, lines, customer=str(customer.public_id)).json()
    assert (body["total"], body["lines"][0]["price_list"]) == ("180.00", "MEMBER-DK")
    # The Omnibus price is the public one, also for a member.
    assert body["lines"][0]["lowest_price_30d"] == "200.00"


def test_basket_price_unknown_customer_is_named(web, catalogue):
    response = basket(
        web, [{"sku": "MUG", "quantity": 1}], customer="00000000-0000-4000-8000-000000000000"
    )
    error(response, 404, "customer_not_found", "customer")


def test_basket_price_same_answer_through_webshop_and_pos_when_rules_are_channel_agnostic(
    web, pos, three_for_two
):
    lines = [{"sku": "MUG", "quantity": 4}, {"sku": "PAN", "quantity": 1}]
    through_web = basket(web, lines)
    through_pos = basket(pos, lines)
    assert through_web.status_code == through_pos.status_code == 200
    assert through_web.json() == through_pos.json()
    assert through_web.json()["discount_total"] == "50.00"


def test_basket_price_webshop_only_campaign_makes_the_answers_differ(
    web, pos, web_channel, three_for_two, catalogue
):
    CampaignFactory(
        code="WEB-PANS",
        percent=Decimal(10),
        channels=[web_channel],
        targets=[{"product": catalogue["PAN"]}],
    )
    lines = [{"sku": "PAN", "quantity": 1}]
    assert basket(web, lines).json()["total"] == "180.00"
    assert basket(pos, lines).json()["total"] == "200.00"


def test_basket_price_pos_key_prices_for_its_own_store(pos, store, catalogue):
    CampaignFactory(
        code="CPH-PANS",
        percent=Decimal(25),
        stores=[store],
        targets=[{"product": catalogue["PAN"]}],
    )
    lines = [{"sku": "PAN", "quantity": 1}]
    assert basket(pos, lines).json()["total"] == "150.00"
    assert basket(pos, lines, store="DK-CPH01").json()["total"] == "150.00"


def test_basket_price_pos_key_with_another_store_is_refused(pos, catalogue):
    StoreFactory(code="DK-AAR01")
    response = basket(pos, [{"sku": "MUG", "quantity": 1}], store="DK-AAR01")
    body = error(response, 403, "store_not_allowed", "store")
    assert body["extra"] == {"store": "DK-CPH01"}


def test_basket_price_unknown_store_is_named(web, catalogue):
    response = basket(web, [{"sku": "MUG", "quantity": 1}], store="NOWHERE")
    error(response, 400, "store_not_found", "store")


def test_basket_price_key_cannot_price_for_another_channel(web, pos_channel, catalogue):
    response = basket(web, [{"sku": "MUG", "quantity": 1}], channel="POS-DK")
    error(response, 403, "channel_not_allowed", "channel")


def test_basket_price_staff_name_the_channel(client, web_channel, catalogue):
    client.force_login(make_staff("hq", username="hq-basket"))
    lines = [{"sku": "MUG", "quantity": 1}]
    missing = client.post(BASKET_URL, {"lines": lines}, content_type="application/json")
    error(missing, 400, "channel_required", "channel")
    body = {"lines": lines, "channel": "WEB-DK"}
    response = client.post(BASKET_URL, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["total"] == "50.00"


def test_basket_price_needs_a_key(anon_api, catalogue):
    response = anon_api.post(BASKET_URL, {"lines": [{"sku": "MUG", "quantity": 1}]}, format="json")
    assert response.status_code in (401, 403)
    assert set(response.json()) >= {"code", "message"}


def test_basket_price_says_whether_a_rules_version_is_current(web, catalogue):
    current = web.get(RULES_URL).headers["ETag"].strip('"')
    lines = [{"sku": "MUG", "quantity": 1}]
    body = basket(web, lines, rules_version=current).json()
    assert body["rules_version"] == {"given": current, "current": current, "is_current": True}
    PriceListEntryFactory(price_list=PriceListFactory(code="PUBLIC-DK"), product=ProductFactory())
    body = basket(web, lines, rules_version=current).json()
    assert body["rules_version"]["is_current"] is False
    assert body["rules_version"]["current"] != current


def test_basket_price_query_count_stays_flat(web, catalogue, django_assert_max_num_queries):
    members = CustomerGroupFactory(code="MEMBER")
    customer = CustomerFactory()
    join_group(customer, members)
    CouponCodeFactory(
        code="PANS20", max_uses=None, campaign__targets=[{"product": catalogue["PAN"]}]
    )
    products = [ProductFactory() for _ in range(20)]
    public = PriceListFactory(code="PUBLIC-DK")
    for product in products:
        PriceListEntryFactory(price_list=public, product=product)
        CampaignFactory(targets=[{"product": product}])
    # Hints naming a gift outside the basket cost no query of their own.
    gift = ProductFactory(sku="GIFT")
    PriceListEntryFactory(price_list=public, product=gift)
    CampaignFactory(kind="gift_with_purchase", percent=None, gift_product=gift)
    small = [{"sku": "MUG", "quantity": 1}]
    big = [{"sku": p.sku, "quantity": 2} for p in products] + [{"sku": "PAN", "quantity": 1}]
    extra = {"customer": str(customer.public_id), "coupons": ["PANS20"], "rules_version": "0-0-0"}
    # Key, lines, coupons, customer groups, products, categories, VAT, prices, campaigns,
    # public lists, Omnibus (2), rules version: the same for 1 line or 21.
    for lines in (small, big):
        with django_assert_max_num_queries(14):
            response = basket(web, lines, **extra)
            assert response.status_code == 200
            assert "GIFT" in [h["target"]["code"] for h in response.json()["hints"]]
    with django_assert_max_num_queries(11):
        assert basket(web, big).status_code == 200

"""The pricing API: a basket priced the same in every channel, with every error named."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from pricing.models import Campaign, PriceChange
from pricing.selectors import MAX_LOOKUP_SKUS
from pricing.services.prices import price_entry_set
from retail.gtin import gtin_with_check_digit
from tests.factories import (
    ChannelFactory,
    CustomerFactory,
    ProductFactory,
    StoreFactory,
    make_api_client,
    make_staff,
)
from tests.pricing.factories import (
    EPOCH,
    CampaignFactory,
    CouponCodeFactory,
    CustomerGroupFactory,
    PriceListEntryFactory,
    PriceListFactory,
    dk_market,
    join_group,
)

pytestmark = pytest.mark.django_db

AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
BASKET_URL = "/api/v1/pricing/basket/"
PRICES_URL = "/api/v1/pricing/prices/"
CAMPAIGNS_URL = "/api/v1/pricing/campaigns/"
RULES_URL = "/api/v1/pricing/rules/"
MUG_GTIN = gtin_with_check_digit("570555000001")


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def web_channel():
    return dk_market(code="WEB-DK", kind="webshop")


@pytest.fixture
def pos_channel(web_channel):
    return ChannelFactory(code="POS-DK", name="Stores DK", kind="pos")


@pytest.fixture
def store():
    return StoreFactory(code="DK-CPH01")


@pytest.fixture
def web(web_channel):
    _, key = make_api_client(channel=web_channel, name="Webshop DK")
    return _client(key)


@pytest.fixture
def pos(pos_channel, store):
    _, key = make_api_client(channel=pos_channel, store=store, name="POS DK-CPH01 till 1")
    return _client(key)


@pytest.fixture
def catalogue(web_channel):
    """A public list for every channel: a mug (50.00), a pan (200.00) and a retired lamp."""
    public = PriceListFactory(code="PUBLIC-DK")
    products = {
        "MUG": ProductFactory(sku="MUG", name="Mug", gtin=MUG_GTIN),
        "PAN": ProductFactory(sku="PAN", name="Frying pan"),
        "LAMP": ProductFactory(sku="LAMP", name="Lamp", is_active=False),
    }
    for sku, amount in (("MUG", "50.00"), ("PAN", "200.00"), ("LAMP", "80.00")):
        PriceListEntryFactory(price_list=public, product=products[sku], amount=Decimal(amount))
    return products


@pytest.fixture
def three_for_two(catalogue):
    return CampaignFactory(
        code="MUG-3FOR2",
        name="Mugs 3 for 2",
        kind=Campaign.Kind.MULTIBUY,
        percent=None,
        buy_quantity=3,
        pay_quantity=2,
        receipt_text={"da": "3 for 2 på krus", "en": "3 for 2 on mugs"},
        targets=[{"product": catalogue["MUG"]}],
    )


def _basket(client, lines, **extra):
    return client.post(BASKET_URL, {"lines": lines, "at": AT.isoformat(), **extra}, format="json")


def _error(response, status, code, field):
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["code"] == code, body
    assert field in body["fields"], body
    assert body["fields"][field][0]["code"] == code
    return body


# ---- pricing a basket ----------------------------------------------------------------------


def test_basket_price_explains_every_discount_with_totals_and_vat(web, three_for_two):
    response = _basket(
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


def test_basket_price_gives_a_hint_towards_a_deal(web, three_for_two):
    body = _basket(web, [{"sku": "MUG", "quantity": 2}]).json()
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
    (line,) = _basket(web, [{"sku": "MUG", "quantity": 1}]).json()["lines"]
    assert (line["unit_price"], line["lowest_price_30d"]) == ("60.00", "50.00")


def test_basket_price_unknown_sku_names_the_line(web, catalogue):
    response = _basket(web, [{"sku": "MUG", "quantity": 1}, {"sku": "NOPE", "quantity": 1}])
    body = _error(response, 400, "unknown_product", "lines.1.sku")
    assert body["extra"] == {"sku": "NOPE"}


def test_basket_price_unknown_gtin_names_the_line(web, catalogue):
    unknown = gtin_with_check_digit("570555999999")
    _error(_basket(web, [{"gtin": unknown, "quantity": 1}]), 400, "unknown_product", "lines.0.sku")


def test_basket_price_inactive_product_names_the_line(web, catalogue):
    response = _basket(web, [{"sku": "PAN", "quantity": 1}, {"sku": "LAMP", "quantity": 1}])
    _error(response, 400, "inactive_product", "lines.1.sku")


@pytest.mark.parametrize("quantity", [0, -1, "x", 10000, 2.5, None])
def test_basket_price_bad_quantity_names_the_line(web, catalogue, quantity):
    response = _basket(web, [{"sku": "MUG", "quantity": 1}, {"sku": "PAN", "quantity": quantity}])
    _error(response, 400, "invalid_quantity", "lines.1.quantity")


def test_basket_price_line_needs_exactly_one_of_sku_and_gtin(web, catalogue):
    response = _basket(web, [{"quantity": 1}, {"sku": "MUG", "gtin": MUG_GTIN, "quantity": 1}])
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"lines.0.sku", "lines.1.sku"}


def test_basket_price_empty_basket_is_refused(web, catalogue):
    response = web.post(BASKET_URL, {"lines": []}, format="json")
    assert response.status_code == 400 and "lines" in response.json()["fields"]


def test_basket_price_unknown_coupon_names_the_code(web, catalogue):
    response = _basket(web, [{"sku": "MUG", "quantity": 1}], coupons=["NO-SUCH-CODE"])
    body = _error(response, 400, "coupon_not_found", "coupons.0")
    assert body["extra"] == {"code": "NO-SUCH-CODE"}


def test_basket_price_expired_coupon_names_the_code(web, catalogue):
    CouponCodeFactory(code="SUMMER", valid_to=AT - timedelta(days=1))
    response = _basket(web, [{"sku": "MUG", "quantity": 1}], coupons=["summer"])
    _error(response, 400, "coupon_expired", "coupons.0")


def test_basket_price_valid_coupon_that_does_not_apply_is_reported_not_an_error(web, catalogue):
    CouponCodeFactory(
        code="PANS20",
        max_uses=None,
        campaign__percent=Decimal(20),
        campaign__targets=[{"product": catalogue["PAN"]}],
    )
    response = _basket(web, [{"sku": "MUG", "quantity": 1}], coupons=["PANS20"])
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["coupons"] == [{"code": "PANS20", "applied": False, "status": "not_applicable"}]
    assert body["total"] == "50.00"


def test_basket_price_applied_coupon_is_named_on_its_discount(web, catalogue):
    CouponCodeFactory(
        code="PANS20",
        campaign__percent=Decimal(20),
        campaign__targets=[{"product": catalogue["PAN"]}],
    )
    body = _basket(web, [{"sku": "PAN", "quantity": 1}], coupons=["PANS20"]).json()
    assert body["coupons"] == [{"code": "PANS20", "applied": True, "status": "applied"}]
    (discount,) = body["lines"][0]["discounts"]
    assert (discount["coupon"], discount["amount"]) == ("PANS20", "40.00")


def test_basket_price_member_price_needs_the_customer(web, catalogue):
    members = CustomerGroupFactory(code="MEMBER")
    member_list = PriceListFactory(code="MEMBER-DK", priority=10, customer_groups=[members])
    PriceListEntryFactory(price_list=member_list, product=catalogue["PAN"], amount=Decimal(180))
    customer = CustomerFactory()
    join_group(customer, members)
    lines = [{"sku": "PAN", "quantity": 1}]
    assert _basket(web, lines).json()["total"] == "200.00"
    body = _basket(web, lines, customer=str(customer.public_id)).json()
    assert (body["total"], body["lines"][0]["price_list"]) == ("180.00", "MEMBER-DK")
    # The Omnibus price is the public one, also for a member.
    assert body["lines"][0]["lowest_price_30d"] == "200.00"


def test_basket_price_unknown_customer_is_named(web, catalogue):
    response = _basket(
        web, [{"sku": "MUG", "quantity": 1}], customer="00000000-0000-4000-8000-000000000000"
    )
    _error(response, 404, "customer_not_found", "customer")


def test_basket_price_same_answer_through_webshop_and_pos_when_rules_are_channel_agnostic(
    web, pos, three_for_two
):
    lines = [{"sku": "MUG", "quantity": 4}, {"sku": "PAN", "quantity": 1}]
    through_web = _basket(web, lines)
    through_pos = _basket(pos, lines)
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
    assert _basket(web, lines).json()["total"] == "180.00"
    assert _basket(pos, lines).json()["total"] == "200.00"


def test_basket_price_pos_key_prices_for_its_own_store(pos, store, catalogue):
    CampaignFactory(
        code="CPH-PANS",
        percent=Decimal(25),
        stores=[store],
        targets=[{"product": catalogue["PAN"]}],
    )
    lines = [{"sku": "PAN", "quantity": 1}]
    assert _basket(pos, lines).json()["total"] == "150.00"
    assert _basket(pos, lines, store="DK-CPH01").json()["total"] == "150.00"


def test_basket_price_pos_key_with_another_store_is_refused(pos, catalogue):
    StoreFactory(code="DK-AAR01")
    response = _basket(pos, [{"sku": "MUG", "quantity": 1}], store="DK-AAR01")
    body = _error(response, 403, "store_not_allowed", "store")
    assert body["extra"] == {"store": "DK-CPH01"}


def test_basket_price_unknown_store_is_named(web, catalogue):
    response = _basket(web, [{"sku": "MUG", "quantity": 1}], store="NOWHERE")
    _error(response, 400, "store_not_found", "store")


def test_basket_price_key_cannot_price_for_another_channel(web, pos_channel, catalogue):
    response = _basket(web, [{"sku": "MUG", "quantity": 1}], channel="POS-DK")
    _error(response, 403, "channel_not_allowed", "channel")


def test_basket_price_staff_name_the_channel(client, web_channel, catalogue):
    client.force_login(make_staff("hq", username="hq-basket"))
    lines = [{"sku": "MUG", "quantity": 1}]
    missing = client.post(BASKET_URL, {"lines": lines}, content_type="application/json")
    _error(missing, 400, "channel_required", "channel")
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
    body = _basket(web, lines, rules_version=current).json()
    assert body["rules_version"] == {"given": current, "current": current, "is_current": True}
    PriceListEntryFactory(price_list=PriceListFactory(code="PUBLIC-DK"), product=ProductFactory())
    body = _basket(web, lines, rules_version=current).json()
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
    small = [{"sku": "MUG", "quantity": 1}]
    big = [{"sku": p.sku, "quantity": 2} for p in products] + [{"sku": "PAN", "quantity": 1}]
    extra = {"customer": str(customer.public_id), "coupons": ["PANS20"], "rules_version": "0-0-0"}
    # Key, lines, coupons, customer groups, products, categories, VAT, prices, campaigns,
    # public lists, Omnibus (2), rules version: the same for 1 line or 21.
    for lines in (small, big):
        with django_assert_max_num_queries(14):
            assert _basket(web, lines, **extra).status_code == 200
    with django_assert_max_num_queries(11):
        assert _basket(web, big).status_code == 200


# ---- price lookup --------------------------------------------------------------------------


def test_prices_lookup_gives_price_ordinary_lowest_and_campaigns(web, catalogue):
    CampaignFactory(code="PAN-10", percent=Decimal(10), targets=[{"product": catalogue["PAN"]}])
    response = web.get(PRICES_URL, {"sku": "PAN,MUG", "at": AT.isoformat()})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["currency"] == "DKK"
    assert body["results"] == [
        {
            "sku": "PAN",
            "currency": "DKK",
            "price": "180.00",
            "ordinary_price": "200.00",
            "price_list": "PUBLIC-DK",
            "lowest_price_30d": "200.00",
            "campaigns": ["PAN-10"],
        },
        {
            "sku": "MUG",
            "currency": "DKK",
            "price": "50.00",
            "ordinary_price": "50.00",
            "price_list": "PUBLIC-DK",
            "lowest_price_30d": "50.00",
            "campaigns": [],
        },
    ]


def test_prices_lookup_accepts_a_repeated_sku_parameter(web, catalogue):
    body = web.get(f"{PRICES_URL}?sku=MUG&sku=PAN").json()
    assert [row["sku"] for row in body["results"]] == ["MUG", "PAN"]


def test_prices_lookup_more_than_500_skus_names_sku(web, catalogue):
    skus = ",".join(f"SKU-{n}" for n in range(MAX_LOOKUP_SKUS + 1))
    _error(web.get(PRICES_URL, {"sku": skus}), 400, "too_many_skus", "sku")


def test_prices_lookup_unknown_sku_names_its_position(web, catalogue):
    _error(web.get(PRICES_URL, {"sku": "MUG,NOPE"}), 400, "unknown_product", "sku.1")


def test_prices_lookup_needs_a_sku(web, catalogue):
    response = web.get(PRICES_URL)
    assert response.status_code == 400 and "sku" in response.json()["fields"]


# ---- campaigns -----------------------------------------------------------------------------


def test_campaigns_list_shows_the_channels_offers_in_its_language(
    web, pos_channel, three_for_two, catalogue
):
    members = CustomerGroupFactory(code="MEMBER")
    CampaignFactory(
        code="MEMBER-PANS",
        customer_groups=[members],
        requires_coupon=True,
        targets=[{"product": catalogue["PAN"]}, {"product": catalogue["MUG"], "exclude": True}],
    )
    CampaignFactory(code="POS-ONLY", channels=[pos_channel])
    CampaignFactory(code="PAUSED", status=Campaign.Status.PAUSED)
    response = web.get(CAMPAIGNS_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    by_code = {row["code"]: row for row in body["results"]}
    assert set(by_code) == {"MUG-3FOR2", "MEMBER-PANS"}
    mugs = by_code["MUG-3FOR2"]
    assert (mugs["text"], mugs["kind"], mugs["buy_quantity"], mugs["pay_quantity"]) == (
        "3 for 2 på krus",
        "multibuy",
        3,
        2,
    )
    assert mugs["targets"] == [
        {
            "group": 0,
            "quantity": 1,
            "exclude": False,
            "type": "product",
            "code": "MUG",
            "name": "Mug",
        }
    ]
    member = by_code["MEMBER-PANS"]
    assert member["requires_coupon"] is True and member["customer_groups"] == ["MEMBER"]
    assert member["target_summary"] == "product Frying pan; not product Mug"


def test_campaigns_list_is_paginated(web, catalogue):
    for n in range(3):
        CampaignFactory(code=f"C{n}")
    body = web.get(CAMPAIGNS_URL, {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


# ---- the offline snapshot ------------------------------------------------------------------


def test_rules_snapshot_has_an_etag_and_answers_304_while_current(web, catalogue):
    first = web.get(RULES_URL)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag == f'"{first.json()["version"]}"'
    again = web.get(RULES_URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.headers["ETag"] == etag
    assert not again.content
    weak = web.get(RULES_URL, HTTP_IF_NONE_MATCH=f'"old", W/{etag}')
    assert weak.status_code == 304


def test_rules_snapshot_changes_version_when_a_price_changes(web, catalogue):
    etag = web.get(RULES_URL).headers["ETag"]
    public = PriceListFactory(code="PUBLIC-DK")
    price_entry_set(
        price_list=public,
        product=ProductFactory(sku="CUP"),
        amount=Decimal("45.00"),
        valid_from=AT,
        source=PriceChange.Source.API,
    )
    response = web.get(RULES_URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_rules_snapshot_pos_key_gets_its_store_and_no_other(pos, store, catalogue):
    StoreFactory(code="DK-AAR01")
    own = pos.get(RULES_URL)
    assert own.status_code == 200
    named = pos.get(RULES_URL, {"store": "DK-CPH01"})
    assert own.headers["ETag"] == named.headers["ETag"]
    assert own.json()["store"] == named.json()["store"] == "DK-CPH01"
    _error(pos.get(RULES_URL, {"store": "DK-AAR01"}), 403, "store_not_allowed", "store")


def test_pricing_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (BASKET_URL, PRICES_URL, CAMPAIGNS_URL, RULES_URL):
        assert path in schema

"""The pricing API beside the basket: price lookup, campaigns, the offline rules snapshot, OpenAPI.

The channels, the catalogue and the 3-for-2 campaign are fixtures of tests/pricing/conftest.py.
"""

from decimal import Decimal

import pytest

from pricing.models import Campaign, PriceChange
from pricing.selectors import MAX_LOOKUP_SKUS
from pricing.services.prices import price_entry_set
from tests.factories import ProductFactory, StoreFactory, make_api_client
from tests.pricing.api_support import (
    AT,
    BASKET_URL,
    CAMPAIGNS_URL,
    PRICES_URL,
    RULES_URL,
    api_client,
    error,
)
from tests.pricing.factories import CampaignFactory, CustomerGroupFactory, PriceListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(web_channel):
    # Module-level on purpose: elsewhere in tests/pricing ``web`` is a channel, not a client.
    _, key = make_api_client(channel=web_channel, name="Webshop DK")
    return api_client(key)


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
            # The campaign has run since the catalogue began, more than a year: no prior price.
            "prior_price": None,
            "lowest_price_30d": "200.00",
            "campaigns": ["PAN-10"],
        },
        {
            "sku": "MUG",
            "currency": "DKK",
            "price": "50.00",
            "ordinary_price": "50.00",
            "price_list": "PUBLIC-DK",
            "prior_price": None,
            "lowest_price_30d": "50.00",
            "campaigns": [],
        },
    ]


def test_prices_lookup_accepts_a_repeated_sku_parameter(web, catalogue):
    body = web.get(f"{PRICES_URL}?sku=MUG&sku=PAN").json()
    assert [row["sku"] for row in body["results"]] == ["MUG", "PAN"]


def test_prices_lookup_more_than_500_skus_names_sku(web, catalogue):
    skus = ",".join(f"SKU-{n}" for n in range(MAX_LOOKUP_SKUS + 1))
    error(web.get(PRICES_URL, {"sku": skus}), 400, "too_many_skus", "sku")


def test_prices_lookup_unknown_sku_names_its_position(web, catalogue):
    error(web.get(PRICES_URL, {"sku": "MUG,NOPE"}), 400, "unknown_product", "sku.1")


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
    error(pos.get(RULES_URL, {"store": "DK-AAR01"}), 403, "store_not_allowed", "store")


def test_pricing_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (BASKET_URL, PRICES_URL, CAMPAIGNS_URL, RULES_URL):
        assert path in schema

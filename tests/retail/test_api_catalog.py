"""Read-only reference data for channels: channels, stores, products."""

from datetime import time

import pytest

from retail.models import OpeningHours, ProductGtin
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    ChannelFactory,
    ProductFactory,
    StoreFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    home = CategoryFactory(code="HOME", name="Home")
    kitchen = CategoryFactory(code="KITCHEN", name="Kitchen", parent=home)
    cookware = CategoryFactory(code="COOKWARE", name="Cookware", parent=kitchen)
    clothing = CategoryFactory(code="CLOTHING", name="Clothing")
    return {"home": home, "kitchen": kitchen, "cookware": cookware, "clothing": clothing}


def test_channels_filter_by_country(api, channel):
    ChannelFactory(code="WEB-SE", country="SE", currency="SEK", language="sv")
    body = api.get("/api/v1/channels/", {"country": "se"}).json()
    assert [c["code"] for c in body["results"]] == ["WEB-SE"]
    assert body["results"][0]["currency"] == "SEK"


def test_stores_filter_by_country_and_click_and_collect(api):
    StoreFactory(code="DK-CPH01", country="DK", click_and_collect=True)
    StoreFactory(code="DK-AAR01", country="DK", click_and_collect=False)
    StoreFactory(code="SE-STO01", country="SE", time_zone="Europe/Stockholm")
    body = api.get("/api/v1/stores/", {"country": "DK", "click_and_collect": "true"}).json()
    assert [s["code"] for s in body["results"]] == ["DK-CPH01"]


def test_stores_detail_has_address_coordinates_and_hours(api):
    store = StoreFactory(code="DK-CPH01")
    OpeningHours.objects.create(store=store, weekday=0, opens_at=time(10), closes_at=time(19))
    body = api.get("/api/v1/stores/DK-CPH01/").json()
    assert body["latitude"] == "55.680000"
    assert body["time_zone"] == "Europe/Copenhagen"
    assert body["opening_hours"] == [
        {"weekday": 0, "opens_at": "10:00:00", "closes_at": "19:00:00"}
    ]


def test_products_lookup_by_any_gtin_form(api, tree):
    product = ProductFactory(sku="SKU-1", category=tree["cookware"], gtin="5701234567899")
    ProductGtin.objects.create(product=product, gtin="15701234567896", pack_quantity=6)
    ProductFactory(sku="SKU-2", category=tree["cookware"])
    for code in ("5701234567899", "05701234567899", "15701234567896"):
        body = api.get("/api/v1/products/", {"gtin": code}).json()
        assert [p["sku"] for p in body["results"]] == ["SKU-1"], code
    gtins = api.get("/api/v1/products/SKU-1/").json()["gtins"]
    assert gtins[0] == {
        "gtin": "5701234567899",
        "gtin14": "05701234567899",
        "pack_quantity": 1,
        "is_primary": True,
    }
    assert gtins[1]["pack_quantity"] == 6


def test_products_upc_a_and_ean13_are_the_same_item(api, tree):
    ProductFactory(sku="US-1", category=tree["home"], gtin="036000291452")
    body = api.get("/api/v1/products/", {"gtin": "0036000291452"}).json()
    assert [p["sku"] for p in body["results"]] == ["US-1"]


def test_products_category_filter_includes_subcategories(api, tree):
    ProductFactory(sku="A", category=tree["cookware"])
    ProductFactory(sku="B", category=tree["kitchen"])
    ProductFactory(sku="C", category=tree["clothing"])
    body = api.get("/api/v1/products/", {"category": "HOME"}).json()
    assert [p["sku"] for p in body["results"]] == ["A", "B"]
    assert api.get("/api/v1/products/", {"category": "COOKWARE"}).json()["count"] == 1


def test_products_filter_by_sku_list_brand_and_words(api, tree):
    acme = BrandFactory(code="ACME", name="Acme")
    ProductFactory(sku="P1", name="Acme steel frying pan", brand=acme, category=tree["cookware"])
    ProductFactory(sku="P2", name="Cast iron pot", category=tree["cookware"])
    ProductFactory(sku="P3", name="Steel pot", category=tree["cookware"])
    assert api.get("/api/v1/products/", {"sku": "P1,P3"}).json()["count"] == 2
    assert [
        p["sku"] for p in api.get("/api/v1/products/", {"brand": "ACME"}).json()["results"]
    ] == ["P1"]
    words = api.get("/api/v1/products/", {"q": "steel pot"}).json()
    assert [p["sku"] for p in words["results"]] == ["P3"]


def test_products_never_expose_unit_cost(api, tree):
    ProductFactory(sku="P1", category=tree["home"])
    assert "unit_cost_amount" not in api.get("/api/v1/products/P1/").json()


def test_products_pagination_is_capped(api, tree):
    for n in range(7):
        ProductFactory(sku=f"P{n}", category=tree["home"])
    page = api.get("/api/v1/products/", {"page_size": 3}).json()
    assert page["count"] == 7 and len(page["results"]) == 3 and page["next"]
    from django.conf import settings

    huge = api.get("/api/v1/products/", {"page_size": 100000}).json()
    assert len(huge["results"]) == min(7, settings.API_MAX_PAGE_SIZE)


def test_products_list_query_count_does_not_grow_with_page(
    api, tree, django_assert_max_num_queries
):
    for n in range(40):
        ProductFactory(sku=f"P{n:02d}", category=tree["cookware"])
    # auth (1) + count (1) + page (1) + gtins prefetch (1), whatever the page size
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/products/", {"page_size": 40})
    assert len(response.json()["results"]) == 40


def test_stores_list_query_count_is_constant(api, django_assert_max_num_queries):
    for n in range(15):
        store = StoreFactory(code=f"S{n:02d}")
        OpeningHours.objects.create(store=store, weekday=1, opens_at=time(9), closes_at=time(17))
    with django_assert_max_num_queries(5):
        assert api.get("/api/v1/stores/").status_code == 200

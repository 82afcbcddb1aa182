"""The loader: the products of a basket with their VAT, and the prices in force for them.

Campaigns are in test_loader_campaigns.py, the query budget in test_loader_queries.py; the
category ``tree`` is a fixture of tests/pricing/conftest.py.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from pricing.engine.types import PricingContext
from pricing.errors import VatRateMissingError
from pricing.loader import ancestor_paths, rules_load
from tests.factories import (
    BrandFactory,
    ChannelFactory,
    ProductFactory,
    StoreFactory,
    VatClassFactory,
)
from tests.pricing.factories import (
    CustomerGroupFactory,
    PriceListEntryFactory,
    PriceListFactory,
    ProductSetFactory,
    VatRateFactory,
    dk_market,
)
from tests.pricing.loader_support import AT, ctx

pytestmark = pytest.mark.django_db


@pytest.fixture
def web():
    return dk_market()


# ---- products, VAT ------------------------------------------------------------------------


def test_ancestor_paths_step_four():
    assert ancestor_paths("000100020003") == ["0001", "00010002", "000100020003"]


def test_rules_load_product_info_has_ancestors_brand_sets_and_vat(web, tree):
    root, kitchen, knives = tree
    brand = BrandFactory(code="NORDHEM")
    knife = ProductFactory(category=knives, brand=brand)
    grill = ProductSetFactory(code="GRILL", products=[knife])
    ProductSetFactory(code="EMPTY")
    rules = rules_load(product_ids=[knife.pk], context=ctx(web))
    info = rules.products[knife.pk]
    assert info.sku == knife.sku
    assert info.category_ids == {root.pk, kitchen.pk, knives.pk}
    assert info.brand_id == brand.pk
    assert info.set_ids == {grill.pk}
    assert info.vat_rate == Decimal("25.00")


def test_rules_load_leaves_out_unknown_products_and_empty_basket_costs_nothing(
    web, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert rules_load(product_ids=[], context=ctx(web)).products == {}
    assert rules_load(product_ids=[987654], context=ctx(web)).products == {}


def test_rules_load_vat_of_the_store_country_beats_the_channel(web):
    food = VatClassFactory(code="FOOD", name="Food")
    VatRateFactory(country="SE", vat_class=food, rate=Decimal("12.00"))
    VatRateFactory(country="DK", vat_class=food, rate=Decimal("25.00"))
    store = StoreFactory(country="SE", time_zone="Europe/Stockholm")
    bread = ProductFactory(vat_class=food)
    assert rules_load(product_ids=[bread.pk], context=ctx(web)).products[
        bread.pk
    ].vat_rate == Decimal("25.00")
    in_store = ctx(web, store_id=store.pk)
    assert rules_load(product_ids=[bread.pk], context=in_store).products[
        bread.pk
    ].vat_rate == Decimal("12.00")


@pytest.mark.parametrize(
    ("at", "rate"),
    [
        # 1 April 2026 00:30 in Stockholm (CEST) is still 31 March in UTC.
        (datetime(2026, 3, 31, 22, 30, tzinfo=UTC), Decimal("6.00")),
        (datetime(2026, 3, 31, 21, 30, tzinfo=UTC), Decimal("12.00")),
    ],
)
def test_rules_load_vat_period_starts_at_local_midnight(at, rate):
    se = ChannelFactory(code="WEB-SE", country="SE", currency="SEK", language="sv")
    food = VatClassFactory(code="FOOD", name="Food")
    VatRateFactory(country="SE", vat_class=food, rate=Decimal("12.00"), valid_to=date(2026, 4, 1))
    VatRateFactory(country="SE", vat_class=food, rate=Decimal("6.00"), valid_from=date(2026, 4, 1))
    bread = ProductFactory(vat_class=food)
    context = PricingContext(at=at, currency="SEK", channel_id=se.pk)
    assert rules_load(product_ids=[bread.pk], context=context).products[bread.pk].vat_rate == rate


def test_rules_load_without_vat_rate_in_the_market_is_an_error(web):
    books = ProductFactory(vat_class=VatClassFactory(code="REDUCED", name="Books"))
    with pytest.raises(VatRateMissingError) as caught:
        rules_load(product_ids=[books.pk], context=ctx(web))
    assert caught.value.extra["sku"] == books.sku


# ---- prices ---------------------------------------------------------------------------------


def test_rules_load_prices_in_force_in_scope_and_currency(web):
    product = ProductFactory()
    other_channel = ChannelFactory(code="POS-DK", kind="pos")
    members = CustomerGroupFactory(code="MEMBERS")
    public = PriceListFactory(code="DK", priority=0)
    PriceListEntryFactory(price_list=public, product=product, amount=Decimal("120.00"), valid_to=AT)
    PriceListEntryFactory(
        price_list=public,
        product=product,
        amount=Decimal("100.00"),
        valid_from=AT,
        valid_to=AT + timedelta(days=1),
    )
    PriceListEntryFactory(
        price_list=public,
        product=product,
        amount=Decimal("90.00"),
        valid_from=AT + timedelta(days=1),
    )
    PriceListEntryFactory(price_list=PriceListFactory(code="SE", currency="SEK"), product=product)
    PriceListEntryFactory(price_list=PriceListFactory(code="OFF", is_active=False), product=product)
    PriceListEntryFactory(
        price_list=PriceListFactory(code="POS", channels=[other_channel]), product=product
    )
    member_list = PriceListFactory(
        code="MEMBER", priority=10, customer_groups=[members], channels=[web, other_channel]
    )
    PriceListEntryFactory(price_list=member_list, product=product, amount=Decimal("80.00"))

    guest = rules_load(product_ids=[product.pk], context=ctx(web))
    assert [(p.price_list_code, p.amount) for p in guest.prices] == [("DK", Decimal("100.00"))]
    assert guest.prices[0].is_public and guest.prices[0].valid_from == AT

    member = rules_load(
        product_ids=[product.pk], context=ctx(web, group_codes=frozenset({"MEMBERS"}))
    )
    assert [(p.price_list_code, p.amount) for p in member.prices] == [
        ("MEMBER", Decimal("80.00")),
        ("DK", Decimal("100.00")),
    ]
    rule = member.prices[0]
    assert rule.priority == 10
    assert rule.group_codes == {"MEMBERS"}
    assert rule.channel_ids == {web.pk, other_channel.pk}
    assert rule.store_ids == frozenset()

"""The loader: only the rules that can touch a basket, in a constant handful of queries."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pricing.engine.types import PricingContext, Target
from pricing.errors import VatRateMissingError
from pricing.loader import ancestor_paths, rules_load
from pricing.models import Campaign, CampaignTarget
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    ChannelFactory,
    ProductFactory,
    StoreFactory,
    VatClassFactory,
)
from tests.pricing.factories import (
    CampaignFactory,
    CustomerGroupFactory,
    PriceListEntryFactory,
    PriceListFactory,
    ProductSetFactory,
    VatRateFactory,
    dk_market,
)

pytestmark = pytest.mark.django_db

AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def ctx(channel, **kwargs) -> PricingContext:
    return PricingContext(at=kwargs.pop("at", AT), currency="DKK", channel_id=channel.pk, **kwargs)


@pytest.fixture
def web():
    return dk_market()


@pytest.fixture
def tree():
    root = CategoryFactory(code="HOME")
    kitchen = CategoryFactory(code="KITCHEN", parent=root)
    knives = CategoryFactory(code="KNIVES", parent=kitchen)
    return root, kitchen, knives


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


# ---- campaigns -----------------------------------------------------------------------------


def _codes(rules):
    return {c.code for c in rules.campaigns}


def test_rules_load_campaigns_by_product_category_ancestor_brand_set_and_component(web, tree):
    root, _kitchen, knives = tree
    brand = BrandFactory(code="NORDHEM")
    knife = ProductFactory(category=knives, brand=brand)
    other = ProductFactory(category=CategoryFactory(code="GARDEN"))
    grill = ProductSetFactory(code="GRILL", products=[knife])
    CampaignFactory(code="BY-PRODUCT", targets=[{"product": knife}])
    CampaignFactory(code="BY-ROOT", targets=[{"category": root}])
    CampaignFactory(code="BY-BRAND", targets=[{"brand": brand}])
    CampaignFactory(code="BY-SET", targets=[{"product_set": grill}])
    CampaignFactory(
        code="BUNDLE",
        kind=Campaign.Kind.BUNDLE,
        percent=None,
        price=Decimal("99.00"),
        currency="DKK",
        targets=[{"group": 1, "product": other}, {"group": 2, "product": knife, "quantity": 2}],
    )
    CampaignFactory(code="OTHER", targets=[{"product": other}])
    CampaignFactory(code="ONLY-EXCLUDES-IT", targets=[{"product": knife, "exclude": True}])

    rules = rules_load(product_ids=[knife.pk], context=ctx(web))
    assert _codes(rules) == {"BY-PRODUCT", "BY-ROOT", "BY-BRAND", "BY-SET", "BUNDLE"}
    by_code = {c.code: c for c in rules.campaigns}
    assert by_code["BY-ROOT"].target == Target(category_ids=frozenset({root.pk}))
    assert by_code["BY-ROOT"].target.matches(rules.products[knife.pk])
    bundle = by_code["BUNDLE"]
    assert bundle.target == Target()
    assert bundle.components == (
        Target(product_ids=frozenset({other.pk})),
        Target(product_ids=frozenset({knife.pk}), quantity=2),
    )
    assert bundle.price == Decimal("99.00") and bundle.currency == "DKK"


def test_rules_load_campaign_fields_exclusions_and_receipt_texts(web, tree):
    _, kitchen, knives = tree
    knife = ProductFactory(category=knives)
    spoon = ProductFactory(category=kitchen)
    members = CustomerGroupFactory(code="MEMBERS")
    CampaignFactory(
        code="KITCHEN-3FOR2",
        kind=Campaign.Kind.MULTIBUY,
        percent=None,
        buy_quantity=3,
        pay_quantity=2,
        priority=5,
        stacking=Campaign.Stacking.COMPOUND,
        max_applications=2,
        receipt_text={"da": "3 for 2", "en": "3 for 2 (en)"},
        valid_to=AT + timedelta(days=3),
        customer_groups=[members],
        channels=[web],
        targets=[{"category": kitchen}, {"product": spoon, "exclude": True}],
    )
    rules = rules_load(product_ids=[knife.pk], context=ctx(web, group_codes=frozenset({"MEMBERS"})))
    (rule,) = rules.campaigns
    assert rule.kind == "multibuy" and rule.stacking == "compound" and rule.priority == 5
    assert (rule.buy_quantity, rule.pay_quantity, rule.max_applications) == (3, 2, 2)
    assert rule.receipt_text == (("da", "3 for 2"), ("en", "3 for 2 (en)"))
    assert rule.text("da") == "3 for 2"
    assert rule.valid_to == AT + timedelta(days=3)
    assert rule.currency is None
    assert rule.group_codes == {"MEMBERS"} and rule.channel_ids == {web.pk}
    assert rule.target == Target(
        category_ids=frozenset({kitchen.pk}), exclude_product_ids=frozenset({spoon.pk})
    )


def test_rules_load_skips_campaigns_not_in_force_or_not_for_this_context(web):
    knife = ProductFactory()
    target = [{"product": knife}]
    store = StoreFactory()
    CampaignFactory(code="PAUSED", status=Campaign.Status.PAUSED, targets=target)
    CampaignFactory(code="DRAFT", status=Campaign.Status.DRAFT, targets=target)
    CampaignFactory(code="ENDED", valid_to=AT, targets=target)
    CampaignFactory(code="FUTURE", valid_from=AT + timedelta(seconds=1), targets=target)
    CampaignFactory(
        code="SEK", currency="SEK", kind=Campaign.Kind.AMOUNT_OFF, amount=Decimal(5), targets=target
    )
    CampaignFactory(code="POS-ONLY", channels=[ChannelFactory(code="POS")], targets=target)
    CampaignFactory(code="STORE-ONLY", stores=[store], targets=target)
    CampaignFactory(
        code="MEMBERS-ONLY", customer_groups=[CustomerGroupFactory(code="M")], targets=target
    )
    locked = CampaignFactory(code="COUPON", requires_coupon=True, targets=target)
    CampaignFactory(code="DKK", currency="DKK", percent=None, amount=Decimal(5), kind="amount_off")
    CampaignTarget.objects.create(campaign=Campaign.objects.get(code="DKK"), product=knife)

    assert _codes(rules_load(product_ids=[knife.pk], context=ctx(web))) == {"DKK"}
    assert _codes(
        rules_load(
            product_ids=[knife.pk],
            context=ctx(
                web,
                store_id=store.pk,
                group_codes=frozenset({"M"}),
                unlocked_campaign_ids=frozenset({locked.pk}),
            ),
        )
    ) == {"DKK", "STORE-ONLY", "MEMBERS-ONLY", "COUPON"}


def test_rules_load_basket_wide_thresholds_and_gifts(web, tree):
    _, kitchen, knives = tree
    knife = ProductFactory(category=knives)
    gift = ProductFactory()
    tobacco = CategoryFactory(code="TOBACCO")
    threshold = {
        "kind": Campaign.Kind.SPEND_THRESHOLD,
        "currency": "DKK",
        "threshold_amount": Decimal("500.00"),
    }
    CampaignFactory(code="SPEND-ALL", **threshold, targets=[{"category": tobacco, "exclude": True}])
    CampaignFactory(code="SPEND-KITCHEN", **threshold, targets=[{"category": kitchen}])
    CampaignFactory(code="SPEND-TOBACCO", **threshold, targets=[{"category": tobacco}])
    gift_kind = {
        "kind": Campaign.Kind.GIFT_WITH_PURCHASE,
        "percent": None,
        "currency": "DKK",
        "threshold_amount": Decimal("300.00"),
        "gift_product": gift,
    }
    CampaignFactory(code="GIFT-TOBACCO", **gift_kind, targets=[{"category": tobacco}])
    CampaignFactory(code="GIFT-ANY", **gift_kind)

    rules = rules_load(product_ids=[knife.pk], context=ctx(web))
    assert _codes(rules) == {"SPEND-ALL", "SPEND-KITCHEN", "GIFT-ANY"}
    by_code = {c.code: c for c in rules.campaigns}
    assert by_code["SPEND-ALL"].target == Target(
        everything=True, exclude_category_ids=frozenset({tobacco.pk})
    )
    assert by_code["SPEND-KITCHEN"].target.everything is False
    assert by_code["GIFT-ANY"].gift_product_id == gift.pk

    # The gift itself in the basket brings the campaign that gives it away.
    with_gift = rules_load(product_ids=[knife.pk, gift.pk], context=ctx(web))
    assert "GIFT-TOBACCO" in _codes(with_gift)


# ---- query budget ------------------------------------------------------------------------


def _campaigns(n, products, start=0):
    """Bulk-create ``n`` campaigns of every kind, each targeting one of ``products``."""
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            code=f"BULK{start + i}",
            name=f"Bulk {i}",
            kind=Campaign.Kind.PERCENT_OFF,
            status=Campaign.Status.ACTIVE,
            percent=Decimal(5),
            valid_from=datetime(2020, 1, 1, tzinfo=UTC),
        )
        for i in range(n)
    )
    CampaignTarget.objects.bulk_create(
        CampaignTarget(campaign=c, product=products[i % len(products)])
        for i, c in enumerate(campaigns)
    )


def _load_counting(product_ids, context):
    with CaptureQueriesContext(connection) as queries:
        rules = rules_load(product_ids=product_ids, context=context)
    return rules, len(queries)


def test_rules_load_query_count_does_not_grow_with_campaigns(web, django_assert_max_num_queries):
    basket = [ProductFactory() for _ in range(5)]
    elsewhere = [ProductFactory() for _ in range(5)]
    lst = PriceListFactory(code="DK")
    for product in basket:
        PriceListEntryFactory(price_list=lst, product=product)
    ProductSetFactory(code="S", products=basket[:2])
    CampaignFactory(
        code="SPEND",
        kind=Campaign.Kind.SPEND_THRESHOLD,
        currency="DKK",
        threshold_amount=Decimal(100),
        customer_groups=[CustomerGroupFactory(code="M")],
        channels=[web],
    )
    context = ctx(web, group_codes=frozenset({"M"}))
    ids = [p.pk for p in basket]

    _campaigns(10, basket + elsewhere)
    with django_assert_max_num_queries(4):
        small, small_count = _load_counting(ids, context)
    _campaigns(290, basket + elsewhere, start=10)
    with django_assert_max_num_queries(4):
        large, large_count = _load_counting(ids, context)
    assert small_count == large_count <= 4
    assert len(small.campaigns) == 1 + 5
    assert len(large.campaigns) == 1 + 150
    assert len(large.prices) == 5


def test_rules_load_query_count_for_many_products(web, django_assert_max_num_queries):
    category = CategoryFactory(code="BIG")
    products = [ProductFactory(category=category, gtin=False) for _ in range(50)]
    with django_assert_max_num_queries(4):
        rules = rules_load(product_ids=[p.pk for p in products], context=ctx(web))
    assert len(rules.products) == 50


@pytest.mark.django_db(transaction=True)
def test_rules_load_outside_a_transaction_kept_rules_follow_every_change(web):
    # Outside a transaction the loader keeps basket-wide ids and built rules per revision.
    product = ProductFactory()
    PriceListEntryFactory(price_list=PriceListFactory(code="DK"), product=product)
    first = CampaignFactory(
        code="SPEND-1",
        kind=Campaign.Kind.SPEND_THRESHOLD,
        currency="DKK",
        threshold_amount=Decimal(100),
        percent=Decimal(5),
    )
    assert not connection.in_atomic_block

    def loaded():
        rules = rules_load(product_ids=[product.pk], context=ctx(web))
        return {c.code: c.percent for c in rules.campaigns}

    assert loaded() == {"SPEND-1": Decimal(5)}
    assert loaded() == {"SPEND-1": Decimal(5)}
    CampaignFactory(
        code="SPEND-2", kind=Campaign.Kind.SPEND_THRESHOLD, currency="DKK", amount=Decimal(10)
    )
    assert loaded() == {"SPEND-1": Decimal(5), "SPEND-2": Decimal(10)}
    first.percent = Decimal(7)
    first.save()
    assert loaded() == {"SPEND-1": Decimal(7), "SPEND-2": Decimal(10)}
    first.status = Campaign.Status.PAUSED
    first.save()
    assert loaded() == {"SPEND-2": Decimal(10)}

"""Pricing's bulk reads for imports: rows by code, price entries and campaign scopes, in chunks."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pricing.models import Campaign
from pricing.selectors_import import (
    SCOPE_FIELDS,
    active_campaign_ids_targeting,
    campaign_reaches,
    campaigns_by_code,
    campaigns_with_scope_by_code,
    coupon_codes_by_code,
    price_list_entries_for,
    price_lists_by_code,
)
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    ChannelFactory,
    ProductFactory,
    StoreFactory,
)
from tests.pricing.factories import (
    CampaignFactory,
    CouponCodeFactory,
    CustomerGroupFactory,
    PriceListEntryFactory,
    PriceListFactory,
)

pytestmark = pytest.mark.django_db

AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def test_price_lists_by_code_returns_every_list_in_one_query(django_assert_num_queries):
    dk, se = PriceListFactory(code="DK"), PriceListFactory(code="SE", currency="SEK")
    with django_assert_num_queries(1):
        assert price_lists_by_code() == {"DK": dk, "SE": se}


def test_price_list_entries_for_keys_by_list_and_product(django_assert_num_queries):
    dk, se = PriceListFactory(code="DK"), PriceListFactory(code="SE", currency="SEK")
    shirt, socks, other = ProductFactory(), ProductFactory(), ProductFactory()
    old = PriceListEntryFactory(
        price_list=dk, product=shirt, valid_to=datetime(2026, 1, 1, tzinfo=UTC)
    )
    new = PriceListEntryFactory(
        price_list=dk, product=shirt, valid_from=datetime(2026, 1, 1, tzinfo=UTC)
    )
    swedish = PriceListEntryFactory(price_list=se, product=socks, amount=Decimal("49.00"))
    PriceListEntryFactory(price_list=dk, product=other)

    with django_assert_num_queries(3):  # DK in two chunks of one product, SE in one
        found = price_list_entries_for(
            product_ids_by_list={dk.pk: {shirt.pk, socks.pk}, se.pk: {socks.pk}}, chunk=1
        )

    assert set(found) == {(dk.pk, shirt.pk), (se.pk, socks.pk)}
    assert sorted(e.pk for e in found[(dk.pk, shirt.pk)]) == sorted([old.pk, new.pk])
    (entry,) = found[(se.pk, socks.pk)]
    with django_assert_num_queries(0):
        assert (entry.pk, entry.amount, entry.valid_to) == (swedish.pk, Decimal("49.00"), None)


def test_campaigns_by_code_skips_empty_and_unknown_codes(django_assert_num_queries):
    summer, winter = CampaignFactory(code="SUMMER"), CampaignFactory(code="WINTER")
    CampaignFactory(code="OTHER")
    with django_assert_num_queries(2):
        found = campaigns_by_code(codes=["SUMMER", "", None, "WINTER", "NOPE", "SUMMER"], chunk=2)
    assert found == {"SUMMER": summer, "WINTER": winter}
    with django_assert_num_queries(0):
        assert campaigns_by_code(codes=["", None], chunk=2) == {}


def test_coupon_codes_by_code_returns_the_codes_with_their_limits():
    code = CouponCodeFactory(code="VIP-2025", max_uses=3)
    CouponCodeFactory(code="OTHER")
    found = coupon_codes_by_code(codes=["VIP-2025", "MISSING"], chunk=900)
    assert found == {"VIP-2025": code}
    assert (found["VIP-2025"].campaign_id, found["VIP-2025"].max_uses) == (code.campaign_id, 3)


def test_campaigns_with_scope_by_code_states_scope_and_group_0_targets(
    django_assert_num_queries,
):
    web, cph, members = ChannelFactory(), StoreFactory(), CustomerGroupFactory()
    shirt, socks, grill = ProductFactory(), ProductFactory(), ProductFactory()
    garden, brand = CategoryFactory(), BrandFactory()
    campaign = CampaignFactory(
        code="SUMMER",
        channels=[web],
        stores=[cph],
        customer_groups=[members],
        targets=[
            dict(product=shirt),
            dict(category=garden),
            dict(brand=brand),
            dict(product=socks, exclude=True),
            dict(product=grill, group=1),  # a bundle component: not the import's scope
        ],
    )
    bare = CampaignFactory(code="BARE", targets=[dict(product=shirt)])

    with django_assert_num_queries(5):  # campaigns, then channels, stores, groups, targets
        found = campaigns_with_scope_by_code(codes=["SUMMER", "BARE", "NOPE"], chunk=900)

    assert set(found) == {"SUMMER", "BARE"}
    assert found["SUMMER"].campaign == campaign
    assert found["SUMMER"].scope == {
        "channel_ids": {web.pk},
        "store_ids": {cph.pk},
        "group_ids": {members.pk},
        "product_ids": {shirt.pk},
        "category_ids": {garden.pk},
        "brand_ids": {brand.pk},
        "excluded_product_ids": {socks.pk},
    }
    assert found["BARE"].campaign == bare
    assert found["BARE"].scope == {
        **{name: set() for name in SCOPE_FIELDS},
        "product_ids": {shirt.pk},
    }


def test_campaigns_with_scope_by_code_without_campaigns_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert campaigns_with_scope_by_code(codes=["NOPE"], chunk=900) == {}


def test_active_campaign_ids_targeting_finds_own_targets_of_active_running_campaigns():
    garden = CategoryFactory()
    brand = BrandFactory()
    grill = ProductFactory(category=garden, brand=brand)
    shirt = ProductFactory()
    on_product = CampaignFactory(targets=[dict(product=grill)])
    on_category = CampaignFactory(targets=[dict(category=garden)])
    on_brand = CampaignFactory(targets=[dict(brand=brand)])
    CampaignFactory(targets=[dict(product=grill)], status=Campaign.Status.PAUSED)
    CampaignFactory(targets=[dict(product=grill)], valid_to=AT)  # ended at ``at``
    CampaignFactory(targets=[dict(product=grill, exclude=True), dict(product=shirt)])
    CampaignFactory(targets=[dict(product=grill, group=1)])

    assert active_campaign_ids_targeting(at=AT, product_ids=[grill.pk], chunk=900) == {
        on_product.pk
    }
    assert active_campaign_ids_targeting(at=AT, category_ids=[garden.pk], chunk=900) == {
        on_category.pk
    }
    assert active_campaign_ids_targeting(at=AT, brand_ids=[brand.pk], chunk=900) == {on_brand.pk}
    # A product target in a category, or of a brand, the caller's campaigns name:
    assert active_campaign_ids_targeting(at=AT, product_category_ids=[garden.pk], chunk=900) == {
        on_product.pk
    }
    assert active_campaign_ids_targeting(at=AT, product_brand_ids=[brand.pk], chunk=900) == {
        on_product.pk
    }


def test_active_campaign_ids_targeting_one_query_per_chunk_of_each_set(
    django_assert_num_queries,
):
    products = [ProductFactory() for _ in range(3)]
    campaign = CampaignFactory(targets=[dict(product=products[2])])
    category = CategoryFactory()
    with django_assert_num_queries(3):  # products in chunks of 2, one category chunk
        found = active_campaign_ids_targeting(
            at=AT,
            product_ids=[p.pk for p in products],
            category_ids=[category.pk],
            chunk=2,
        )
    assert found == {campaign.pk}


def test_campaign_reaches_states_period_scope_and_own_targets_in_order(
    django_assert_num_queries,
):
    web, cph = ChannelFactory(), StoreFactory()
    shirt, socks, garden, brand = (
        ProductFactory(),
        ProductFactory(),
        CategoryFactory(),
        BrandFactory(),
    )
    low = CampaignFactory(
        code="LOW",
        priority=0,
        channels=[web],
        stores=[cph],
        valid_to=datetime(2027, 1, 1, tzinfo=UTC),
        targets=[
            dict(product=shirt),
            dict(category=garden),
            dict(brand=brand),
            dict(product=socks, exclude=True),
        ],
    )
    high = CampaignFactory(code="HIGH", priority=5, targets=[dict(product=socks)])
    skipped = CampaignFactory(code="SKIP", targets=[dict(product=shirt)])

    with django_assert_num_queries(4):
        reaches = campaign_reaches(
            campaign_ids=sorted([low.pk, high.pk, skipped.pk]), exclude_codes={"SKIP"}, chunk=900
        )

    assert [r.code for r in reaches] == ["HIGH", "LOW"]  # priority, then code
    high_reach, low_reach = reaches
    assert (low_reach.valid_from, low_reach.valid_to) == (low.valid_from, low.valid_to)
    assert (low_reach.channel_ids, low_reach.store_ids) == ({web.pk}, {cph.pk})
    assert low_reach.product_ids == {shirt.pk}  # the excluded product is not an own target
    assert (low_reach.category_ids, low_reach.brand_ids) == ({garden.pk}, {brand.pk})
    assert high_reach.product_ids == {socks.pk}
    assert not (high_reach.channel_ids or high_reach.store_ids or high_reach.category_ids)


def test_campaign_reaches_four_queries_per_chunk(django_assert_num_queries):
    campaigns = [CampaignFactory(targets=[dict(product=ProductFactory())]) for _ in range(3)]
    with django_assert_num_queries(8):
        reaches = campaign_reaches(campaign_ids=[c.pk for c in campaigns], chunk=2)
    assert len(reaches) == 3

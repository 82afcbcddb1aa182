"""The loader: a constant handful of queries, and kept rules that follow every change."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pricing.loader import rules_load
from pricing.models import Campaign, CampaignTarget
from tests.factories import CategoryFactory, ProductFactory
from tests.pricing.factories import (
    CampaignFactory,
    CustomerGroupFactory,
    PriceListEntryFactory,
    PriceListFactory,
    ProductSetFactory,
    dk_market,
)
from tests.pricing.loader_support import ctx

pytestmark = pytest.mark.django_db


@pytest.fixture
def web():
    return dk_market()


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

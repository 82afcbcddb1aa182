"""The loader's side of hints and coupon reasons: repeats, coupon campaigns out of scope,
and the names and prices of what hints may ask to add, in one query at most."""

from decimal import Decimal

import pytest

from pricing.loader import rules_load
from pricing.models import Campaign
from tests.factories import BrandFactory, ChannelFactory, ProductFactory
from tests.pricing.factories import (
    CampaignFactory,
    PriceListEntryFactory,
    PriceListFactory,
    dk_market,
)
from tests.pricing.loader_support import ctx

pytestmark = pytest.mark.django_db


@pytest.fixture
def web():
    return dk_market()


def test_rules_load_reads_a_repeating_threshold(web):
    mug = ProductFactory()
    CampaignFactory(
        code="PER30",
        kind=Campaign.Kind.SPEND_THRESHOLD,
        percent=None,
        amount=Decimal("5.00"),
        threshold_amount=Decimal("30.00"),
        repeats=True,
        max_applications=3,
        currency="DKK",
    )
    (rule,) = rules_load(product_ids=[mug.pk], context=ctx(web)).campaigns
    assert (rule.repeats, rule.max_applications, rule.target.everything) == (True, 3, True)


def test_rules_load_keeps_a_presented_coupon_s_campaign_out_of_scope(web):
    mug = ProductFactory()
    other = ProductFactory()
    pos = ChannelFactory(code="POS-DK")
    elsewhere = CampaignFactory(
        code="POS-ONLY", requires_coupon=True, channels=[pos], targets=[{"product": mug}]
    )
    untouched = CampaignFactory(code="OTHER", requires_coupon=True, targets=[{"product": other}])
    unlocked = frozenset({elsewhere.pk, untouched.pk})
    rules = rules_load(product_ids=[mug.pk], context=ctx(web, unlocked_campaign_ids=unlocked))
    assert {c.code for c in rules.campaigns} == {"POS-ONLY", "OTHER"}
    # Without the coupons neither is loaded.
    assert rules_load(product_ids=[mug.pk], context=ctx(web)).campaigns == ()


def test_rules_load_names_and_prices_what_hints_may_add_in_its_four_queries(
    web, django_assert_num_queries
):
    brand = BrandFactory(code="DUGG", name="Dugg")
    cup = ProductFactory(sku="CUP", brand=brand)
    bag = ProductFactory(sku="TOTE", name="Tote bag")
    retired = ProductFactory(sku="OLD", is_active=False)
    public = PriceListFactory(code="PUBLIC-DK")
    for product in (cup, bag, retired):
        PriceListEntryFactory(price_list=public, product=product, amount=Decimal("15.00"))
    CampaignFactory(
        code="TOTE", kind=Campaign.Kind.GIFT_WITH_PURCHASE, percent=None, gift_product=bag
    )
    CampaignFactory(
        code="OLD", kind=Campaign.Kind.GIFT_WITH_PURCHASE, percent=None, gift_product=retired
    )
    CampaignFactory(
        code="DUGG",
        kind=Campaign.Kind.SPEND_THRESHOLD,
        threshold_amount=Decimal("100.00"),
        currency="DKK",
        targets=[{"brand": brand}],
    )
    with django_assert_num_queries(4):
        rules = rules_load(product_ids=[cup.pk], context=ctx(web))
    refs = rules.references
    assert refs.addable == frozenset({bag.pk})  # the retired one cannot be added
    assert refs.names[("product", bag.pk)].name == "Tote bag"
    assert refs.names[("brand", brand.pk)].code == "DUGG"
    assert set(rules.products) == {cup.pk}
    assert {p.product_id for p in rules.prices} >= {cup.pk, bag.pk}


def test_rules_load_names_what_a_presented_coupon_is_for(web):
    mug = ProductFactory()
    pan = ProductFactory(sku="PAN", name="Frying pan")
    campaign = CampaignFactory(code="PANS", requires_coupon=True, targets=[{"product": pan}])
    context = ctx(web, unlocked_campaign_ids=frozenset({campaign.pk}))
    rules = rules_load(product_ids=[mug.pk], context=context)
    assert rules.references.names[("product", pan.pk)].name == "Frying pan"
    assert pan.pk not in rules.references.addable  # named, not offered

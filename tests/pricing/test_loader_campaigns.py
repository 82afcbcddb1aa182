"""The loader: only the campaigns that can touch a basket, with their fields and exclusions.

The category ``tree`` is a fixture of tests/pricing/conftest.py.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from pricing.engine.types import Target
from pricing.loader import rules_load
from pricing.models import Campaign, CampaignTarget
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    ChannelFactory,
    ProductFactory,
    StoreFactory,
)
from tests.pricing.factories import (
    CampaignFactory,
    CustomerGroupFactory,
    ProductSetFactory,
    dk_market,
)
from tests.pricing.loader_support import AT, ctx

pytestmark = pytest.mark.django_db


@pytest.fixture
def web():
    return dk_market()


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

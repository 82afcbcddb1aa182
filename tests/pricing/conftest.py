"""Fixtures shared by the pricing test modules.

``web`` is not here on purpose: in the API tests it is a client, in the loader and selector
tests a channel, so each module defines its own.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from pricing.models import Campaign, CouponBatch, PriceChange
from pricing.services.coupons import coupon_redeem
from pricing.services.prices import price_entry_set
from retail.roles import sync_role_groups
from tests.factories import (
    CategoryFactory,
    ChannelFactory,
    CustomerFactory,
    ProductFactory,
    StoreFactory,
    make_api_client,
    make_staff,
)
from tests.pricing.admin_support import AT
from tests.pricing.api_support import MUG_GTIN, api_client
from tests.pricing.factories import (
    CampaignFactory,
    CouponCodeFactory,
    CustomerGroupFactory,
    PriceListEntryFactory,
    PriceListFactory,
    ProductSetFactory,
    dk_market,
    join_group,
)

# ---- the API tests (test_api_basket, test_api_lookups) ---------------------------------------


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
def pos(pos_channel, store):
    _, key = make_api_client(channel=pos_channel, store=store, name="POS DK-CPH01 till 1")
    return api_client(key)


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


# ---- the admin tests (test_admin, test_admin_campaigns) --------------------------------------


@pytest.fixture
def hq(db):
    # ``retail`` syncs the role groups on its own post_migrate only, before pricing's
    # permissions exist; a second ``migrate`` (or this call) gives HQ ``pricing.*``.
    sync_role_groups()
    return make_staff("hq", username="hq-pricing")


@pytest.fixture
def graph(hq):
    """One row of every pricing model, made the way the system makes them."""
    channel = dk_market()
    store = StoreFactory(code="DK-CPH01")
    members = CustomerGroupFactory(code="MEMBER")
    public = PriceListFactory(code="PUBLIC-DK", channels=[channel])
    mug = ProductFactory(sku="MUG", name="Mug")
    price_entry_set(
        price_list=public,
        product=mug,
        amount=Decimal("50.00"),
        valid_from=AT - timedelta(days=100),
        user=hq,
        source=PriceChange.Source.ADMIN,
    )
    mugs = ProductSetFactory(code="MUGS", products=[mug])
    campaign = CampaignFactory(
        code="MUGS-10",
        channels=[channel],
        stores=[store],
        customer_groups=[members],
        requires_coupon=True,
        targets=[{"product_set": mugs}],
    )
    CouponCodeFactory(code="MUG10", campaign=campaign, max_uses=5)
    customer = CustomerFactory()
    join_group(customer, members)
    coupon_redeem(code="MUG10", customer=customer, channel=channel, source_key="order-1")
    CouponBatch.objects.create(campaign=campaign, name="Spring", size=0, created_at=AT)
    return {"channel": channel, "public": public, "mug": mug, "campaign": campaign}


# ---- the loader tests (test_loader, test_loader_campaigns) -----------------------------------


@pytest.fixture
def tree():
    root = CategoryFactory(code="HOME")
    kitchen = CategoryFactory(code="KITCHEN", parent=root)
    knives = CategoryFactory(code="KNIVES", parent=kitchen)
    return root, kitchen, knives

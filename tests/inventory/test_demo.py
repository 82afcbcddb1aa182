"""Inventory's demo steps: who sells from where, buffers, stock for every store, holds, reruns."""

import random

import pytest

from inventory.demo import STORE_ASSORTMENT, WAREHOUSE_ASSORTMENT, opening_quantities
from inventory.models import (
    ChannelLocation,
    Reservation,
    SafetyBuffer,
    StockLevel,
    StockMovement,
    Transfer,
)
from inventory.selectors import availability_for_channel, buffer_for
from retail.demo.builder import SeedConfig, demo_seed, demo_steps
from retail.models import Category, Channel, Product, Store
from tests.inventory.helpers import assert_ledger_holds

pytestmark = pytest.mark.django_db

CONFIG = SeedConfig(seed=7, stores=6, products=60, customers=10, progress=False)


def _steps():
    # The core's and inventory's; other apps' steps are theirs to test.
    return [s for s in demo_steps() if s.func.__module__.split(".")[0] in ("retail", "inventory")]


@pytest.fixture
def seeded(db):
    return demo_seed(config=CONFIG, steps=_steps())


def test_demo_stocks_every_store_and_product_with_a_matching_ledger(seeded):
    locations = Store.objects.count()
    assert StockLevel.objects.count() == locations * CONFIG.products
    on_hand = list(StockLevel.objects.values_list("on_hand", flat=True))
    assert 0 in on_hand  # some out of stock
    assert any(1 <= q <= 3 for q in on_hand)  # some low
    # One opening receipt per row stocked at the start; empty rows have none.
    receipts = StockMovement.objects.filter(source_document="DEMO-OPENING")
    assert receipts.count() == len(set(receipts.values_list("location_id", "product_id")))
    assert 0.8 * len(on_hand) < receipts.count() < len(on_hand)
    assert_ledger_holds()


def test_demo_online_channels_sell_from_the_warehouse_or_ship_from_stores(seeded):
    served = {
        (c, loc)
        for c, loc in ChannelLocation.objects.values_list("channel__code", "location__code")
    }
    assert ("WEB-DK", "DK-WH01") in served and ("APP-DK", "DK-WH01") in served
    assert ("MKT-DK", "DK-WH01") in served
    se_served = {loc for c, loc in served if c == "WEB-SE"}
    assert se_served == set(
        Store.objects.filter(country="SE", ship_from_store=True).values_list("code", flat=True)
    )
    assert not {c for c, _ in served if c.startswith("POS-")}


def _default_buffer(code: str) -> int:
    rule = SafetyBuffer.objects.get(channel__code=code, store=None, category=None, product=None)
    return rule.quantity


def test_demo_buffers_with_a_nearer_category_override(seeded):
    assert (_default_buffer("WEB-DK"), _default_buffer("APP-DK")) == (2, 2)
    assert (_default_buffer("POS-DK"), _default_buffer("MKT-DK")) == (0, 3)
    web = Channel.objects.get(code="WEB-DK")
    warehouse = Store.objects.get(code="DK-WH01")
    clothing = Category.objects.get(code="CLOTHING")
    accessories = Category.objects.get(code="CLO-ACCESSORIES")
    products = Product.objects.select_related("category")
    jacket = products.filter(category__path__startswith=clothing.path).exclude(
        category=accessories
    )[0]
    assert buffer_for(channel=web, store=warehouse, product=jacket) == 3
    assert buffer_for(channel=web, store=warehouse, product=Product(category=accessories)) == 1
    sse = Store.objects.get(code="SE-STO01")
    wse = Channel.objects.get(code="WEB-SE")
    assert (
        buffer_for(
            channel=wse,
            store=sse,
            product=products.exclude(category__path__startswith=clothing.path)[0],
        )
        == 4
    )
    assert sum(availability_for_channel(channel=web, products=list(products)).values()) > 0


def test_demo_transfers_and_holds_through_the_services(seeded):
    assert Transfer.objects.filter(reference__startswith="demo:").count() == 3
    assert Transfer.objects.filter(status="received").count() == 1
    holds = Reservation.objects.filter(reference_kind="staff_hold", status="active")
    assert holds.count() == 4
    assert all(hold.actor is not None for hold in holds.select_related("actor"))
    assert_ledger_holds()


def test_demo_rerun_creates_nothing(seeded):
    before = StockLevel.objects.order_by("pk").values_list("on_hand", "reserved")
    before = list(before)
    report = demo_seed(config=CONFIG, steps=_steps())
    assert report.created == {}
    assert list(StockLevel.objects.order_by("pk").values_list("on_hand", "reserved")) == before


def test_demo_opening_quantities_are_deterministic_per_location():
    one = opening_quantities(random.Random("42:stock:DK-CPH01"), warehouse=False, count=500)
    two = opening_quantities(random.Random("42:stock:DK-CPH01"), warehouse=False, count=1000)
    assert one == two[:500]  # a bigger catalogue never changes the first products' stock
    assert 0.05 < one.count(0) / 500 < 0.15


def test_demo_assortment_caps_keep_big_runs_small():
    assert STORE_ASSORTMENT * 200 + WAREHOUSE_ASSORTMENT <= 500_000

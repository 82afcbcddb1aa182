"""The rules revision moves with every change that prices a basket; the snapshot carries it."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from pricing.models import Campaign, CampaignTarget, PriceChange, PriceList, RulesRevision
from pricing.services.coupons import coupon_batch_generate, coupon_code_create, coupon_redeem
from pricing.services.prices import (
    PriceEntryRow,
    price_entries_bulk_set,
    price_entry_delete,
    price_entry_set,
)
from pricing.services.revision import (
    rules_revision_bump,
    rules_revision_current,
    rules_snapshot,
    rules_version,
    rules_version_at,
    rules_version_current,
)
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


class Bumped:
    """Assert that the block moved the revision (or did not)."""

    def __init__(self, expected=True):
        self.expected = expected

    def __enter__(self):
        self.before = rules_revision_current()

    def __exit__(self, *exc):
        if exc[0] is None:
            assert (rules_revision_current() > self.before) is self.expected


def test_rules_revision_bump_creates_the_row_then_counts():
    RulesRevision.objects.all().delete()
    assert rules_revision_current() == 0
    rules_revision_bump(at=AT)
    rules_revision_bump(at=AT)
    row = RulesRevision.objects.get()
    assert (row.revision, row.changed_at) == (2, AT)


def test_rules_version_at_is_told_only_while_nothing_changed_since():
    channel = ChannelFactory(code="POS-X", kind="pos")
    RulesRevision.objects.all().delete()
    assert rules_version_at(channel=channel, store=None, at=AT) == f"0-{channel.pk}-0"
    rules_revision_bump(at=AT)
    current = rules_version(channel=channel, revision=rules_revision_current())

    assert rules_version_at(channel=channel, store=None, at=AT) == current
    assert rules_version_at(channel=channel, store=None, at=AT + timedelta(hours=1)) == current
    assert rules_version_at(channel=channel, store=None, at=AT - timedelta(seconds=1)) is None


# ---- service writes ------------------------------------------------------------------------


def test_price_services_bump_the_revision():
    price_list, product = PriceListFactory(code="DK"), ProductFactory(gtin=False)
    with Bumped():
        entry = price_entry_set(
            price_list=price_list,
            product=product,
            amount=Decimal("10.00"),
            valid_from=AT,
            source=PriceChange.Source.ADMIN,
        )
    with Bumped(False):
        price_entry_set(
            price_list=price_list,
            product=product,
            amount=Decimal("10.00"),
            valid_from=AT,
            source=PriceChange.Source.ADMIN,
        )
    with Bumped():
        price_entries_bulk_set(
            price_list=price_list,
            rows=[PriceEntryRow(product.pk, Decimal("11.00"), AT)],
            source=PriceChange.Source.IMPORT,
        )
    with Bumped():
        price_entry_delete(entry=entry, source=PriceChange.Source.ADMIN)


def test_coupon_services_bump_the_revision_but_redeeming_does_not():
    campaign = CampaignFactory(requires_coupon=True)
    with Bumped():
        coupon_code_create(campaign=campaign, code="HELLO")
    with Bumped():
        coupon_batch_generate(campaign=campaign, size=3)
    with Bumped(False):
        coupon_redeem(code="HELLO", source_key="order-1")


# ---- admin-style model saves ---------------------------------------------------------------


def test_model_saves_deletes_and_m2m_changes_bump_the_revision():
    product = ProductFactory(gtin=False)
    group = CustomerGroupFactory(code="MEMBERS")
    with Bumped():
        price_list = PriceList.objects.create(code="ADMIN", name="Admin list", currency="DKK")
    with Bumped():
        price_list.customer_groups.add(group)
    with Bumped():
        entry = PriceListEntryFactory(price_list=price_list, product=product)
    with Bumped():
        entry.amount = Decimal("5.00")
        entry.save()
    with Bumped():
        entry.delete()
    with Bumped():
        campaign = Campaign.objects.create(
            code="ADMIN-CAMP", name="Admin", kind="percent_off", percent=10, valid_from=AT
        )
    with Bumped():
        campaign.channels.add(dk_market())
    with Bumped():
        target = CampaignTarget.objects.create(campaign=campaign, product=product)
    with Bumped():
        target.delete()
    with Bumped():
        product_set = ProductSetFactory(code="GRILL")
    with Bumped():
        product_set.products.add(product)
    with Bumped():
        product_set.products.clear()
    with Bumped():
        VatRateFactory(country="SE")


# ---- the offline snapshot --------------------------------------------------------------------


@pytest.fixture
def shop():
    channel = dk_market()
    store = StoreFactory(code="CPH01")
    food = VatClassFactory(code="FOOD", name="Food")
    VatRateFactory(vat_class=food, rate=Decimal("25.00"), valid_to=date(2020, 6, 1))  # ended
    VatRateFactory(vat_class=food, rate=Decimal("12.50"), valid_from=date(2020, 6, 1))
    VatRateFactory(country="SE", vat_class=food, rate=Decimal("12.00"))
    return channel, store


def test_rules_snapshot_documents_prices_campaigns_and_vat_for_channel_and_store(shop):
    channel, store = shop
    kitchen = CategoryFactory(code="KITCHEN")
    brand = BrandFactory(code="NORDHEM")
    knife = ProductFactory(sku="KNIFE", category=kitchen, brand=brand, gtin=False)
    spoon = ProductFactory(sku="SPOON", category=kitchen, gtin=False)
    grill = ProductSetFactory(code="GRILL", products=[knife, spoon])
    members = CustomerGroupFactory(code="MEMBERS")
    public = PriceListFactory(code="DK", channels=[channel])
    member = PriceListFactory(code="MEMBER", priority=5, customer_groups=[members])
    PriceListFactory(code="OTHER-STORE", stores=[StoreFactory(code="AAR01")])
    PriceListFactory(code="SEK", currency="SEK")
    PriceListEntryFactory(price_list=public, product=knife, amount=Decimal("100.00"), valid_to=AT)
    PriceListEntryFactory(price_list=public, product=knife, amount=Decimal("90.00"), valid_from=AT)
    PriceListEntryFactory(price_list=member, product=knife, amount=Decimal("80.00"))
    CampaignFactory(
        code="KITCHEN-10",
        receipt_text={"da": "10 % køkken"},
        customer_groups=[members],
        targets=[
            {"category": kitchen},
            {"brand": brand},
            {"product": spoon, "exclude": True},
        ],
    )
    CampaignFactory(
        code="GRILL-BUNDLE",
        kind=Campaign.Kind.BUNDLE,
        percent=None,
        price=Decimal("150.00"),
        currency="DKK",
        stores=[store],
        targets=[{"group": 1, "product_set": grill}, {"group": 2, "product": spoon, "quantity": 2}],
    )
    CampaignFactory(
        code="SPEND",
        kind=Campaign.Kind.SPEND_THRESHOLD,
        threshold_amount=Decimal("500.00"),
        currency="DKK",
        valid_from=AT + timedelta(days=7),
    )
    CampaignFactory(code="ENDED", valid_to=AT)
    CampaignFactory(code="PAUSED", status=Campaign.Status.PAUSED)

    snapshot = rules_snapshot(channel=channel, store=store, at=AT)
    json.dumps(snapshot)  # JSON-able as it is
    assert snapshot["version"] == f"{rules_revision_current()}-{channel.pk}-{store.pk}"
    assert (snapshot["channel"], snapshot["store"], snapshot["currency"], snapshot["country"]) == (
        channel.code,
        "CPH01",
        "DKK",
        "DK",
    )
    assert {(r["vat_class"], r["rate"]) for r in snapshot["vat_rates"]} == {
        ("STANDARD", "25.00"),
        ("FOOD", "12.50"),
    }
    lists = {pl["code"]: pl for pl in snapshot["price_lists"]}
    assert list(lists) == ["MEMBER", "DK"]
    assert lists["MEMBER"]["customer_groups"] == ["MEMBERS"]
    assert lists["DK"]["entries"] == [
        {"sku": "KNIFE", "amount": "90.00", "valid_from": AT.isoformat(), "valid_to": None}
    ]
    campaigns = {c["code"]: c for c in snapshot["campaigns"]}
    assert set(campaigns) == {"KITCHEN-10", "GRILL-BUNDLE", "SPEND"}
    kitchen_10 = campaigns["KITCHEN-10"]
    assert kitchen_10["target"] == {
        "skus": [],
        "categories": ["KITCHEN"],
        "brands": ["NORDHEM"],
        "sets": [],
        "exclude": {"skus": ["SPOON"], "categories": [], "brands": [], "sets": []},
        "quantity": 1,
        "everything": False,
    }
    assert kitchen_10["params"]["percent"] == "10.00"
    assert kitchen_10["receipt_text"] == {"da": "10 % køkken"}
    assert kitchen_10["customer_groups"] == ["MEMBERS"]
    bundle = campaigns["GRILL-BUNDLE"]
    assert [(c["sets"], c["skus"], c["quantity"]) for c in bundle["components"]] == [
        (["GRILL"], [], 1),
        ([], ["SPOON"], 2),
    ]
    assert bundle["stores"] == ["CPH01"] and bundle["params"]["price"] == "150.00"
    assert campaigns["SPEND"]["target"]["everything"] is True
    assert snapshot["product_sets"] == [{"code": "GRILL", "skus": ["KNIFE", "SPOON"]}]

    # Without the store, its store-only campaign is not in the channel's document.
    webshop = rules_snapshot(channel=channel, at=AT)
    assert "GRILL-BUNDLE" not in {c["code"] for c in webshop["campaigns"]}
    assert webshop["version"].endswith("-0")


def test_rules_version_current_until_anything_changes(shop):
    channel, store = shop
    version = rules_snapshot(channel=channel, store=store, at=AT)["version"]
    assert rules_version_current(channel=channel, store=store, version=version)
    assert not rules_version_current(channel=channel, store=None, version=version)
    assert not rules_version_current(channel=channel, store=StoreFactory(), version=version)
    CampaignFactory(code="NEW")
    assert not rules_version_current(channel=channel, store=store, version=version)

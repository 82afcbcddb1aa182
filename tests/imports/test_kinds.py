"""Campaign, coupon, product and stock count imports: happy paths and their rules."""

from datetime import timedelta
from decimal import Decimal

import pytest

from imports.models import ImportRun
from inventory.models import StockLevel, StockMovement
from inventory.services import stock_receive
from pricing.models import Campaign, CampaignTarget, CouponBatch, CouponCode, RulesRevision
from retail.models import Product, ProductGtin
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    ChannelFactory,
    ProductFactory,
    StoreFactory,
    VatClassFactory,
    next_gtin13,
)
from tests.imports.helpers import NOW, confirm, csv_bytes, upload, xlsx_bytes
from tests.pricing.factories import CustomerGroupFactory

pytestmark = pytest.mark.django_db
Status = ImportRun.Status
CAMPAIGN_HEADERS = [
    "code",
    "name",
    "kind",
    "offer",
    "currency",
    "valid_from",
    "valid_to",
    "channels",
    "customer_groups",
    "products",
    "categories",
    "priority",
    "stacking",
]


@pytest.fixture
def catalogue():
    grill = CategoryFactory(code="GRILL")
    return {
        "grill": grill,
        "sausage": ProductFactory(sku="SAUSAGE", category=grill),
        "coal": ProductFactory(sku="COAL", category=grill),
        "web": ChannelFactory(code="WEB-DK"),
        "members": CustomerGroupFactory(code="MEMBERS"),
    }


def _day(days: int) -> str:
    return (NOW + timedelta(days=days)).strftime("%d.%m.%Y")


def test_campaigns_import_creates_campaigns_with_scope_and_targets(
    django_capture_on_commit_callbacks, catalogue
):
    revision = RulesRevision.objects.filter(pk=1).values_list("revision", flat=True).first() or 0
    content = xlsx_bytes(
        CAMPAIGN_HEADERS,
        [
            [
                "GRILL32",
                "Grill 3 for 2",
                "multibuy",
                "3 for 2",
                "",
                _day(1),
                _day(30),
                "WEB-DK",
                "MEMBERS",
                "SAUSAGE, COAL",
                "",
                10,
                "exclusive",
            ],
            [
                "GRILL2",
                "2 for 100",
                "Multibuy",
                "2 for 100,00",
                "DKK",
                _day(40),
                "",
                "",
                "",
                "",
                "GRILL",
                "",
                "",
            ],
            [
                "COAL20",
                "20% coal",
                "percent_off",
                "20%",
                "",
                _day(40),
                _day(50),
                "",
                "",
                "COAL",
                "",
                "",
                "",
            ],
        ],
    )
    run = upload(django_capture_on_commit_callbacks, "campaigns", content, "campaigns.xlsx")
    assert run.status == Status.PREVIEWED, run.errors
    assert run.summary["new"] == 3
    # COAL20 and GRILL2 share the coal (directly and through GRILL) in the same period.
    assert [w["code"] for w in run.warnings] == ["campaign_overlap"]

    run = confirm(django_capture_on_commit_callbacks, run)

    assert run.status == Status.APPLIED, run.message
    grill32 = Campaign.objects.get(code="GRILL32")
    assert (grill32.kind, grill32.buy_quantity, grill32.pay_quantity) == ("multibuy", 3, 2)
    assert (grill32.priority, grill32.stacking, grill32.status) == (10, "exclusive", "active")
    assert list(grill32.channels.values_list("code", flat=True)) == ["WEB-DK"]
    assert list(grill32.customer_groups.values_list("code", flat=True)) == ["MEMBERS"]
    assert set(grill32.targets.values_list("product__sku", flat=True)) == {"SAUSAGE", "COAL"}
    grill2 = Campaign.objects.get(code="GRILL2")
    assert (grill2.price, grill2.currency, grill2.valid_to) == (Decimal("100.00"), "DKK", None)
    assert CampaignTarget.objects.get(campaign=grill2).category == catalogue["grill"]
    assert Campaign.objects.get(code="COAL20").percent == Decimal("20")
    assert RulesRevision.objects.get(pk=1).revision > revision


def test_campaigns_import_warns_when_a_campaign_has_already_ended(
    django_capture_on_commit_callbacks, catalogue
):
    content = csv_bytes(
        CAMPAIGN_HEADERS,
        [["OLD", "Old", "percent_off", "10%", "", _day(-30), _day(-1), "", "", "COAL", "", "", ""]],
    )
    run = upload(django_capture_on_commit_callbacks, "campaigns", content, "c.csv")

    assert [w["code"] for w in run.warnings] == ["campaign_ended"]
    assert run.warnings[0]["rows"][0]["row"] == 2


def test_campaigns_import_errors_name_row_and_column(django_capture_on_commit_callbacks, catalogue):
    content = csv_bytes(
        CAMPAIGN_HEADERS,
        [
            ["A1", "A", "multibuy", "3 for x", "", _day(1), "", "", "", "COAL", "", "", ""],
            ["A2", "B", "amount_off", "10,00", "", _day(1), "", "", "", "NOPE", "", "", ""],
        ],
    )
    run = upload(django_capture_on_commit_callbacks, "campaigns", content, "c.csv")

    assert run.status == Status.FAILED
    messages = [e["message"] for e in run.errors]
    assert "row 2, column 'offer': 'x' is not a number" in messages
    assert "row 3, column 'products': 'NOPE' is not known" in messages
    assert "row 3, column 'currency': A campaign with amounts needs a currency." in messages
    assert not Campaign.objects.exists()


def test_coupons_import_creates_given_codes_and_generates_batches(
    django_capture_on_commit_callbacks, catalogue
):
    campaign = Campaign.objects.create(
        code="VIP", name="VIP", kind="percent_off", percent=10, valid_from=NOW, status="active"
    )
    headers = ["campaign", "code", "generate", "prefix", "max_uses", "valid_to"]
    content = csv_bytes(
        headers,
        [
            ["VIP", "vip-anna", "", "", "1", ""],
            ["VIP", "VIP-BO", "", "", "", _day(30)],
            ["VIP", "", "25", "VIP", "", ""],
        ],
    )
    run = upload(django_capture_on_commit_callbacks, "coupons", content, "codes.csv")
    assert run.status == Status.PREVIEWED, run.errors
    run = confirm(django_capture_on_commit_callbacks, run)

    assert run.status == Status.APPLIED, run.message
    anna = CouponCode.objects.get(code="VIP-ANNA")
    assert (anna.campaign, anna.max_uses) == (campaign, 1)
    batch = CouponBatch.objects.get()
    assert batch.codes.count() == 25
    assert all(c.code.startswith("VIP") for c in batch.codes.all())
    assert CouponCode.objects.count() == 27


def test_coupons_import_refuses_a_code_of_another_campaign(
    django_capture_on_commit_callbacks, catalogue
):
    for code in ("ONE", "TWO"):
        Campaign.objects.create(code=code, name=code, kind="percent_off", percent=5, valid_from=NOW)
    CouponCode.objects.create(code="TAKEN", campaign=Campaign.objects.get(code="ONE"))
    content = csv_bytes(["campaign", "code"], [["TWO", "taken"]])
    run = upload(django_capture_on_commit_callbacks, "coupons", content, "codes.csv")

    assert run.status == Status.FAILED
    assert run.errors[0]["message"] == (
        "row 2, column 'code': 'TAKEN' already belongs to another campaign"
    )


def test_products_import_creates_and_updates_by_sku_with_gtins(django_capture_on_commit_callbacks):
    category, vat, brand = (
        CategoryFactory(code="DAIRY"),
        VatClassFactory(),
        BrandFactory(code="OAT"),
    )
    existing = ProductFactory(sku="MILK", name="Milk", category=category, vat_class=vat)
    old_gtin = existing.gtins.get().gtin
    new_gtin = next_gtin13()
    headers = ["sku", "name", "category", "vat_class", "brand", "unit_cost", "gtins"]
    content = xlsx_bytes(
        headers,
        [
            ["MILK", "Milk 1 l", "DAIRY", "STANDARD", "OAT", "7,5", f"{new_gtin}, {old_gtin}"],
            ["OATS", "Oats", "DAIRY", "STANDARD", "", "", ""],
        ],
    )
    run = upload(django_capture_on_commit_callbacks, "products", content, "products.xlsx")
    assert run.status == Status.PREVIEWED, run.errors
    assert run.summary["new"] == 1 and run.summary["changed"] == 1
    milk_diff = next(d for d in run.diff_sample if d["key"] == "MILK")
    assert milk_diff["changes"]["name"] == ["Milk", "Milk 1 l"]
    assert milk_diff["changes"]["unit_cost"] == ["10.0000", "7.5"]

    run = confirm(django_capture_on_commit_callbacks, run)

    assert run.status == Status.APPLIED, run.message
    milk = Product.objects.get(sku="MILK")
    assert (milk.name, milk.brand, milk.unit_cost_amount) == ("Milk 1 l", brand, Decimal("7.5"))
    assert milk.gtins.get(is_primary=True).gtin == new_gtin
    assert milk.gtins.count() == 2
    assert Product.objects.get(sku="OATS").unit_cost_amount is None
    assert ProductGtin.objects.filter(product__sku="OATS").count() == 0


def test_products_import_refuses_a_gtin_of_another_product(django_capture_on_commit_callbacks):
    category, vat = CategoryFactory(code="DAIRY"), VatClassFactory()
    other = ProductFactory(sku="OTHER", category=category, vat_class=vat)
    content = csv_bytes(
        ["sku", "name", "category", "vat_class", "gtins"],
        [
            ["NEW", "New", "DAIRY", "STANDARD", other.gtins.get().gtin],
            ["X", "X", "DAIRY", "STANDARD", "123"],
        ],
    )
    run = upload(django_capture_on_commit_callbacks, "products", content, "p.csv")

    assert run.status == Status.FAILED
    messages = [e["message"] for e in run.errors]
    assert f"row 2, column 'gtins': '{other.gtins.get().gtin}' belongs to product OTHER" in messages
    assert any(m.startswith("row 3, column 'gtins': '123'") for m in messages)


def test_stock_counts_import_posts_through_the_inventory_ledger(django_capture_on_commit_callbacks):
    store = StoreFactory(code="DK-CPH01")
    soap, salt, _ = (ProductFactory(sku=s) for s in ("SOAP", "SALT", "RICE"))
    stock_receive(location=store, product=soap, quantity=10, source_key="asn:1")
    stock_receive(location=store, product=salt, quantity=4, source_key="asn:2")
    content = csv_bytes(
        ["store", "sku", "counted"],
        [["DK-CPH01", "SOAP", "7"], ["DK-CPH01", "SALT", "4"], ["DK-CPH01", "RICE", "3"]],
    )
    run = upload(django_capture_on_commit_callbacks, "stock_counts", content, "count.csv")
    assert run.summary == {"new": 1, "changed": 1, "unchanged": 1, "deleted": 0, "errors": 0}

    run = confirm(django_capture_on_commit_callbacks, run)

    assert run.status == Status.APPLIED, run.message
    levels = dict(StockLevel.objects.values_list("product__sku", "on_hand"))
    assert levels == {"SOAP": 7, "SALT": 4, "RICE": 3}
    corrections = StockMovement.objects.filter(kind=StockMovement.Kind.COUNT_CORRECTION)
    assert sorted(corrections.values_list("product__sku", "quantity")) == [
        ("RICE", 3),
        ("SOAP", -3),
    ]
    assert {m.actor_label for m in corrections} == {f"import #{run.pk}"}
    assert {m.source_key for m in corrections} == {f"import:{run.pk}:2", f"import:{run.pk}:4"}


def test_campaigns_reimport_changes_fields_and_replaces_targets(
    django_capture_on_commit_callbacks, catalogue
):
    row = [
        "GRILL32",
        "Grill",
        "multibuy",
        "3 for 2",
        "",
        _day(1),
        _day(30),
        "WEB-DK",
        "",
        "SAUSAGE",
        "",
        0,
        "",
    ]
    confirm(
        django_capture_on_commit_callbacks,
        upload(
            django_capture_on_commit_callbacks,
            "campaigns",
            csv_bytes(CAMPAIGN_HEADERS, [row]),
            "a.csv",
        ),
    )
    row[3], row[7], row[9], row[10] = "2 for 50,00", "", "", "GRILL"
    row[4] = "DKK"
    run = upload(
        django_capture_on_commit_callbacks, "campaigns", csv_bytes(CAMPAIGN_HEADERS, [row]), "b.csv"
    )

    assert run.summary["changed"] == 1, run.errors
    changes = run.diff_sample[0]["changes"]
    assert changes["pay_quantity"] == ["2", ""]
    assert changes["price"] == ["", "50.00"]
    assert changes["products"] == ["1 item(s)", "0 item(s)"]
    run = confirm(django_capture_on_commit_callbacks, run)
    campaign = Campaign.objects.get(code="GRILL32")
    assert (campaign.buy_quantity, campaign.pay_quantity, campaign.price) == (
        2,
        None,
        Decimal("50.00"),
    )
    assert not campaign.channels.exists()
    assert [(t.product_id, t.category_id) for t in campaign.targets.all()] == [
        (None, catalogue["grill"].pk)
    ]


def test_campaigns_overlap_with_an_active_campaign_in_the_database(
    django_capture_on_commit_callbacks, catalogue
):
    running = Campaign.objects.create(
        code="RUNNING",
        name="Grill week",
        kind="percent_off",
        percent=10,
        status="active",
        valid_from=NOW - timedelta(days=1),
    )
    CampaignTarget.objects.create(campaign=running, category=catalogue["grill"])
    content = csv_bytes(
        CAMPAIGN_HEADERS,
        [
            [
                "SAUS",
                "Sausage",
                "percent_off",
                "15%",
                "",
                _day(2),
                _day(9),
                "",
                "",
                "SAUSAGE",
                "",
                "",
                "",
            ]
        ],
    )
    run = upload(django_capture_on_commit_callbacks, "campaigns", content, "c.csv")

    assert run.warnings[0]["code"] == "campaign_overlap"
    assert run.warnings[0]["rows"][0]["message"] == "SAUS overlaps active campaign RUNNING"

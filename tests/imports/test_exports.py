"""Exports in the import layout: the round trip is a no-op, and formulas never run."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest

from imports.exports import export_file
from imports.models import ImportRun
from inventory.services import stock_receive
from pricing.models import Campaign, CampaignTarget, CouponCode, PriceList
from pricing.services.prices import price_entry_set
from tests.factories import CategoryFactory, ChannelFactory, ProductFactory, StoreFactory
from tests.imports.helpers import NOW, upload

pytestmark = pytest.mark.django_db
DANGEROUS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturn"]


@pytest.fixture
def everything():
    """One row of every kind, with awkward values (decimals, open periods, lists)."""
    grill = CategoryFactory(code="GRILL")
    products = [ProductFactory(sku=f"RT-{i}", category=grill) for i in range(3)]
    products[0].name = DANGEROUS[0]
    products[0].save()
    public = PriceList.objects.create(code="PUBLIC", name="Public", currency="DKK")
    start = NOW.replace(second=0, microsecond=0)
    price_entry_set(
        price_list=public,
        product=products[0],
        amount=Decimal("129.95"),
        valid_from=start,
        valid_to=start + timedelta(days=7),
        source="admin",
    )
    price_entry_set(
        price_list=public,
        product=products[0],
        amount=Decimal("99.50"),
        valid_from=start + timedelta(days=7),
        source="admin",
    )
    web = ChannelFactory(code="WEB-DK")
    campaign = Campaign.objects.create(
        code="MB",
        name="3 for 2",
        kind="multibuy",
        buy_quantity=3,
        pay_quantity=2,
        valid_from=start,
        status="active",
        priority=5,
    )
    campaign.channels.set([web])
    CampaignTarget.objects.create(campaign=campaign, product=products[1])
    CampaignTarget.objects.create(campaign=campaign, category=grill)
    CampaignTarget.objects.create(campaign=campaign, product=products[2], exclude=True)
    Campaign.objects.create(
        code="SPEND",
        name="10% over 500",
        kind="spend_threshold",
        percent=Decimal("10.00"),
        threshold_amount=Decimal("500.00"),
        currency="DKK",
        valid_from=start,
    )
    CouponCode.objects.create(code="HELLO-1", campaign=campaign, max_uses=5)
    stock_receive(
        location=StoreFactory(code="DK-1"), product=products[0], quantity=4, source_key="rt"
    )


@pytest.mark.parametrize("kind", ["prices", "campaigns", "coupons", "products", "stock_counts"])
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_then_import_is_a_noop(
    django_capture_on_commit_callbacks, everything, kind, file_format
):
    content, _, name = export_file(kind=kind, file_format=file_format)

    run = upload(django_capture_on_commit_callbacks, kind, content, name)

    assert run.status == ImportRun.Status.NOOP, (run.errors, run.diff_sample)
    assert run.summary["unchanged"] >= 1
    assert run.message == "The file matches what is there: nothing to change."


def test_export_neutralises_formulas_in_text_cells(db):
    category = CategoryFactory(code="SAFE")
    for index, name in enumerate(DANGEROUS):
        ProductFactory(sku=f"F-{index}", name=name, category=category)

    csv_content, _, _ = export_file(kind="products", file_format="csv")
    rows = list(csv.DictReader(io.StringIO(csv_content.decode("utf-8-sig"), newline="")))
    assert [r["name"] for r in rows] == [f"'{name}" for name in DANGEROUS]

    xlsx_content, _, _ = export_file(kind="products", file_format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # XML stores a carriage return as a line feed; the cell still starts with the quote.
    assert names == [f"'{name}".replace("\r", "\n") for name in DANGEROUS]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_neutralises_whatever_the_import_export_settings(settings, db):
    settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
    ProductFactory(sku="F", name="=1+1", category=CategoryFactory(code="X"))

    content, _, _ = export_file(kind="products", file_format="csv")

    assert "'=1+1" in content.decode("utf-8-sig")

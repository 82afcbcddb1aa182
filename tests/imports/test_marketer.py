"""The marketer role: imports campaigns and prices in the admin, sees no stock, orders or people."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportRun
from pricing.models import Campaign, PriceList, PriceListEntry
from tests.factories import ProductFactory, make_staff
from tests.imports.helpers import xlsx_bytes

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def marketer(client):
    user = make_staff("marketer", username="maja")
    client.force_login(user)
    return user


def _upload_and_apply(client, capture, kind, headers, rows):
    with capture(execute=True):
        response = client.post(
            reverse("admin:imports_importrun_upload"),
            {"kind": kind, "file": SimpleUploadedFile(f"{kind}.xlsx", xlsx_bytes(headers, rows))},
        )
    run = ImportRun.objects.latest("pk")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert run.status == ImportRun.Status.PREVIEWED, run.errors
    preview = reverse("admin:imports_importrun_preview", args=[run.pk])
    assert "Confirm and apply" in client.get(preview).content.decode()
    with capture(execute=True):
        client.post(preview, {"warning": [w["code"] for w in run.warnings]})
    run.refresh_from_db()
    return run


def test_marketer_uploads_and_applies_a_campaign_import(
    client, marketer, django_capture_on_commit_callbacks
):
    ProductFactory(sku="SAUSAGE")
    run = _upload_and_apply(
        client,
        django_capture_on_commit_callbacks,
        "campaigns",
        ["code", "name", "kind", "offer", "valid_from", "products"],
        [["SAUS3", "Sausages 3 for 2", "multibuy", "3 for 2", "01.06.2031", "SAUSAGE"]],
    )
    assert run.status == ImportRun.Status.APPLIED
    assert run.confirmed_by == marketer
    assert Campaign.objects.get(code="SAUS3").buy_quantity == 3


def test_marketer_uploads_and_applies_a_price_import(
    client, marketer, django_capture_on_commit_callbacks
):
    PriceList.objects.create(code="PUBLIC", name="Public", currency="DKK")
    ProductFactory(sku="MUG", unit_cost_amount=Decimal("10"))
    run = _upload_and_apply(
        client,
        django_capture_on_commit_callbacks,
        "prices",
        ["price_list", "sku", "price", "valid_from", "valid_to"],
        [["PUBLIC", "MUG", "49,95", "01.06.2031", ""]],
    )
    assert run.status == ImportRun.Status.APPLIED
    entry = PriceListEntry.objects.get()
    assert entry.amount == Decimal("49.95")
    assert entry.valid_from == datetime(2031, 6, 1, tzinfo=CPH)


def test_marketer_may_import_only_campaign_price_and_coupon_kinds(client, marketer):
    page = client.get(reverse("admin:imports_importrun_upload")).content.decode()
    assert 'value="campaigns"' in page and 'value="prices"' in page and 'value="coupons"' in page
    assert 'value="stock_counts"' not in page and 'value="products"' not in page
    refused = client.post(
        reverse("admin:imports_importrun_upload"),
        {"kind": "stock_counts", "file": SimpleUploadedFile("s.csv", b"store,sku,quantity\n")},
    )
    assert refused.status_code == 200
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:orders_order_changelist",
        "admin:orders_notification_changelist",
        "admin:retail_customer_changelist",
        "admin:retail_apiclient_changelist",
        "admin:inventory_stocklevel_changelist",
        "admin:auth_user_changelist",
        "admin:retail_staffprofile_changelist",
    ],
)
def test_marketer_cannot_open_orders_customers_stock_api_keys_or_users(client, marketer, url_name):
    assert client.get(reverse(url_name)).status_code == 403


def test_marketer_works_on_campaigns_prices_and_coupons(client, marketer):
    for url_name in (
        "admin:pricing_campaign_changelist",
        "admin:pricing_campaign_add",
        "admin:pricing_pricelistentry_changelist",
        "admin:pricing_couponcode_changelist",
        "admin:imports_importrun_changelist",
        "hq-dashboard",
    ):
        assert client.get(reverse(url_name)).status_code == 200, url_name
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/orders/" not in index and "/admin/retail/customer/" not in index


def test_hq_staff_can_import_too(client, django_capture_on_commit_callbacks):
    client.force_login(make_staff("hq"))
    page = client.get(reverse("admin:imports_importrun_upload"))
    assert page.status_code == 200
    assert 'value="stock_counts"' in page.content.decode()

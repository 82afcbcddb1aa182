"""The import pages in the admin: upload, preview with diffs and warnings, confirm, export."""

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportRun
from pricing.models import PriceList, PriceListEntry
from pricing.services.prices import price_entry_set
from tests.factories import ProductFactory
from tests.imports.helpers import csv_bytes

pytestmark = pytest.mark.django_db
HEADERS = ["price_list", "sku", "price", "valid_from", "valid_to"]


@pytest.fixture
def price():
    public = PriceList.objects.create(code="PUBLIC", name="Public", currency="DKK")
    return price_entry_set(
        price_list=public,
        product=ProductFactory(sku="ADM-1", unit_cost_amount=Decimal("30")),
        amount=Decimal("100"),
        valid_from=datetime(2030, 1, 1, tzinfo=ZoneInfo("Europe/Copenhagen")),
        source="admin",
    )


def test_admin_upload_preview_tick_and_confirm(
    admin_client, price, django_capture_on_commit_callbacks
):
    upload_url = reverse("admin:imports_importrun_upload")
    assert "download the template" in admin_client.get(upload_url).content.decode()
    content = csv_bytes(HEADERS, [["PUBLIC", "ADM-1", "25,00", "01.01.2030", ""]])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            upload_url, {"kind": "prices", "file": SimpleUploadedFile("p.csv", content)}
        )

    run = ImportRun.objects.get()
    preview_url = reverse("admin:imports_importrun_preview", args=[run.pk])
    assert response.url == preview_url
    page = admin_client.get(preview_url).content.decode()
    assert "Previewed" in page
    assert "<b>price</b>: 100.00 → 25.00" in page
    assert 'name="warning" value="price_below_cost"' in page
    assert 'name="warning" value="price_change_large"' in page
    assert 'data-percent="100"' in page

    refused = admin_client.post(preview_url, {"warning": ["price_below_cost"]}, follow=True)
    assert "price_change_large" in refused.content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(preview_url, {"warning": ["price_below_cost", "price_change_large"]})

    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED
    assert PriceListEntry.objects.get().amount == Decimal("25.00")
    assert "Applied" in admin_client.get(preview_url).content.decode()
    changelist = admin_client.get(reverse("admin:imports_importrun_changelist")).content.decode()
    assert "0 / 1 / 0 / 0" in changelist


def test_admin_shows_errors_with_row_and_column(
    admin_client, price, django_capture_on_commit_callbacks
):
    content = csv_bytes(HEADERS, [["PUBLIC", "ADM-1", "12,5O", "01.01.2030", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:imports_importrun_upload"),
            {"kind": "prices", "file": SimpleUploadedFile("p.csv", content)},
        )

    run = ImportRun.objects.get()
    page = admin_client.get(reverse("admin:imports_importrun_preview", args=[run.pk])).content
    assert "row 2, column &#x27;price&#x27;: &#x27;12,5O&#x27; is not a number" in page.decode()
    assert b"Confirm and apply" not in page


def test_admin_export_and_template_downloads(admin_client, price):
    export = admin_client.get(
        reverse("admin:imports_importrun_export"), {"kind": "prices", "file_format": "csv"}
    )
    assert export["Content-Type"].startswith("text/csv")
    assert "PUBLIC,ADM-1,100.00,2030-01-01," in export.content.decode("utf-8-sig")

    template = admin_client.get(reverse("admin:imports_importrun_template", args=["campaigns"]))
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    assert [c.value for c in book["campaigns"][1]][:4] == ["code", "name", "kind", "offer"]
    assert book["columns"]["A2"].value == "code"

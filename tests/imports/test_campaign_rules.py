"""The campaign import refuses what the campaign contract refuses, naming row and column.

Real files (csv and xlsx), all or nothing; and the same through the import API.
The rules themselves are ``pricing.validation`` (the admin form and
``campaigns_bulk_upsert`` use the same).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from imports.models import ImportRun
from pricing.errors import CampaignInvalidError
from pricing.models import Campaign
from pricing.services.imports import CampaignRow, campaigns_bulk_upsert
from tests.factories import ChannelFactory, ProductFactory, make_api_client
from tests.imports.helpers import NOW, confirm, csv_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db
Status = ImportRun.Status
HEADERS = [
    "code",
    "name",
    "kind",
    "offer",
    "currency",
    "valid_from",
    "max_applications",
    "threshold",
    "products",
]
START = (NOW + timedelta(days=1)).strftime("%d.%m.%Y")

# (case, kind, offer, currency, max_applications, threshold, products, column, message start)
REFUSED = [
    (
        "multibuy_3_for_0",
        "multibuy",
        "3 for 0,00",
        "DKK",
        "",
        "",
        "SKU-1",
        "offer",
        "The price of the group must be above 0",
    ),
    (
        "percent_off_without_targets",
        "percent_off",
        "10%",
        "",
        "",
        "",
        "",
        "products",
        "Give the products, categories",
    ),
    (
        "multibuy_without_targets",
        "multibuy",
        "3 for 2",
        "",
        "",
        "",
        "",
        "products",
        "Give the products, categories",
    ),
    (
        "mix_match_without_targets",
        "mix_match",
        "3 for 20%",
        "",
        "",
        "",
        "",
        "products",
        "Give the products, categories",
    ),
    (
        "fixed_price_without_targets",
        "fixed_price",
        "49,95",
        "DKK",
        "",
        "",
        "",
        "products",
        "Give the products, categories",
    ),
    (
        "amount_without_currency",
        "amount_off",
        "10,00",
        "",
        "",
        "",
        "SKU-1",
        "currency",
        "A campaign with amounts needs a currency.",
    ),
    (
        "spend_percent_zero",
        "spend_threshold",
        "0%",
        "",
        "",
        "",
        "",
        "offer",
        "'0%' is not a percentage",
    ),
    (
        "spend_amount_zero",
        "spend_threshold",
        "0,00",
        "DKK",
        "",
        "",
        "",
        "offer",
        "Give the amount off, above 0.",
    ),
    (
        "cap_on_spend_once",
        "spend_threshold",
        "10%",
        "",
        "2",
        "500",
        "",
        "max_applications",
        "A spend discount applies once per basket",
    ),
    ("cap_zero", "percent_off", "10%", "", "0", "", "SKU-1", "max_applications", "Give 1 or more"),
    (
        "threshold_on_percent_off",
        "percent_off",
        "10%",
        "DKK",
        "",
        "100",
        "SKU-1",
        "threshold",
        "A percent off campaign does not use this field",
    ),
]
ACCEPTED = [
    ("basket_10_percent", "spend_threshold", "10%", "", "", "", ""),
    ("basket_50_off", "spend_threshold", "50,00", "DKK", "", "", ""),
    ("spend_500_on_sku", "spend_threshold", "10%", "DKK", "", "500", "SKU-1"),
    ("multibuy_3_for_2", "multibuy", "3 for 2", "", "2", "", "SKU-1"),
    ("multibuy_3_for_100", "multibuy", "3 for 100,00", "DKK", "", "", "SKU-1"),
    ("mix_3_for_20_percent", "mix_match", "3 for 20%", "", "", "", "SKU-1, SKU-2"),
    ("mix_2_for_a_price", "mix_match", "2 for 100,00", "DKK", "", "", "SKU-1, SKU-2"),
    ("percent_off_capped", "percent_off", "10%", "", "3", "", "SKU-1"),
]


@pytest.fixture
def skus():
    return [ProductFactory(sku="SKU-1"), ProductFactory(sku="SKU-2")]


def _row(code, kind, offer, currency, cap, threshold, products):
    return [code.upper()[:32], code, kind, offer, currency, START, cap, threshold, products]


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c[0])
def test_campaign_import_refuses_naming_row_and_column(
    case, skus, django_capture_on_commit_callbacks
):
    name, *cells, column, message = case
    good = _row("GOOD", "percent_off", "10%", "", "", "", "SKU-1")
    content = xlsx_bytes(HEADERS, [good, _row(name, *cells)])
    run = upload(django_capture_on_commit_callbacks, "campaigns", content, "campaigns.xlsx")

    assert run.status == Status.FAILED
    messages = [e["message"] for e in run.errors]
    assert any(m.startswith(f"row 3, column '{column}': {message}") for m in messages), messages
    assert not Campaign.objects.exists()  # all or nothing: the good row is not written either


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda c: c[0])
def test_campaign_import_accepts_valid_campaigns(case, skus, django_capture_on_commit_callbacks):
    name, *cells = case
    content = csv_bytes(HEADERS, [_row(name, *cells)])
    run = upload(django_capture_on_commit_callbacks, "campaigns", content, "campaigns.csv")
    assert run.status == Status.PREVIEWED, run.errors
    run = confirm(django_capture_on_commit_callbacks, run)
    assert run.status == Status.APPLIED
    campaign = Campaign.objects.get()
    assert campaign.kind == cells[0]
    assert campaign.targets.count() == len([s for s in cells[-1].split(",") if s.strip()])


def test_campaign_import_mix_match_gets_its_benefit(skus, django_capture_on_commit_callbacks):
    rows = [
        _row("mix-free", "mix_match", "3 for 2", "", "", "", "SKU-1"),
        _row("mix-price", "mix_match", "2 for 100,00", "DKK", "", "", "SKU-1"),
        _row("mix-pct", "mix_match", "3 for 20%", "", "", "", "SKU-1"),
    ]
    run = upload(django_capture_on_commit_callbacks, "campaigns", csv_bytes(HEADERS, rows), "c.csv")
    confirm(django_capture_on_commit_callbacks, run)
    benefits = dict(Campaign.objects.values_list("code", "mix_benefit"))
    assert benefits == {
        "MIX-FREE": "cheapest_free",
        "MIX-PRICE": "fixed_price",
        "MIX-PCT": "cheapest_percent",
    }


def test_campaigns_bulk_upsert_refuses_an_invalid_row_naming_it(skus):
    values = {
        "name": "Free",
        "kind": "multibuy",
        "status": "active",
        "currency": "DKK",
        "valid_from": NOW,
        "buy_quantity": 3,
        "price": Decimal("0.00"),
    }
    rows = [CampaignRow(code="FREE", values=values, product_ids=frozenset({skus[0].pk}))]
    with pytest.raises(CampaignInvalidError) as refused:
        campaigns_bulk_upsert(rows=rows, at=NOW)
    assert refused.value.field == "rows.0.price"
    assert not Campaign.objects.exists()


def test_api_campaign_import_reports_contract_errors_by_row_and_column(
    skus, django_capture_on_commit_callbacks
):
    _, key = make_api_client(channel=ChannelFactory(code="POS-DK", kind="pos"), name="ERP")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    content = csv_bytes(HEADERS, [_row("free", "multibuy", "3 for 0,00", "DKK", "", "", "SKU-1")])
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            "/api/v1/imports/runs/",
            {"kind": "campaigns", "file": SimpleUploadedFile("c.csv", content)},
            format="multipart",
        )
    assert created.status_code == 202, created.json()
    run_id = created.json()["id"]
    assert api.get(f"/api/v1/imports/runs/{run_id}/").json()["status"] == "failed"
    preview = api.get(f"/api/v1/imports/runs/{run_id}/preview/").json()
    (error,) = preview["errors"]
    assert error["row"] == 2 and error["column"] == "offer" and error["code"] == "not_positive"
    assert error["message"].startswith("row 2, column 'offer': The price of the group")
    assert not Campaign.objects.exists()

"""The import preview for HQ and marketers: new campaigns described, every overlap, wrong kinds.

Also the error list as a CSV download.  Files are real xlsx workbooks, uploaded
through the admin as a marketer would.
"""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.kinds.describe import offer_text
from imports.models import ImportRun
from pricing.models import Campaign, CampaignTarget
from tests.factories import CategoryFactory, ChannelFactory, ProductFactory, StoreFactory
from tests.imports.helpers import xlsx_bytes

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
HEADERS = [
    "code",
    "name",
    "kind",
    "offer",
    "currency",
    "valid_from",
    "valid_to",
    "channels",
    "stores",
    "products",
    "categories",
    "threshold",
]
START = datetime(2031, 6, 1, tzinfo=CPH)


@pytest.fixture
def shop():
    grill = CategoryFactory(code="GRILL")
    return {
        "grill": grill,
        "sausage": ProductFactory(sku="SAUSAGE", category=grill),
        "web": ChannelFactory(code="WEB-DK"),
        "store": StoreFactory(code="DK-CPH01"),
    }


def _running(code: str, **targets) -> Campaign:
    campaign = Campaign.objects.create(
        code=code,
        name=code,
        kind="percent_off",
        percent=10,
        status="active",
        valid_from=START - timedelta(days=3),
    )
    CampaignTarget.objects.create(campaign=campaign, **targets)
    return campaign


def _upload(client, kind: str, rows, headers=HEADERS, capture=None) -> ImportRun:
    content = xlsx_bytes(headers, rows)
    with capture(execute=True):
        client.post(
            reverse("admin:imports_importrun_upload"),
            {"kind": kind, "file": SimpleUploadedFile("campaigns.xlsx", content)},
        )
    return ImportRun.objects.latest("pk")


def test_preview_shows_new_campaigns_offer_period_scope_and_every_overlap(
    admin_client, shop, django_capture_on_commit_callbacks
):
    _running("GRILLWEEK", category=shop["grill"])
    _running("SAUSAGEDAY", product=shop["sausage"])
    _running("ZZ-OTHER", category=CategoryFactory(code="GARDEN"))  # other products: no overlap
    rows = [
        ["SAUS3", "Sausages 3 for 2", "multibuy", "3 for 2", "", "01.06.2031", "15.06.2031 18:00",
         "WEB-DK", "DK-CPH01", "SAUSAGE", "", ""],
        ["BIGSPEND", "50 off over 300", "spend_threshold", "50,00", "DKK", "01.06.2031", "",
         "", "", "", "", "300,00"],
        ["GRILL20", "Grill 20 %", "percent_off", "20%", "", "02.06.2031", "",
         "", "", "", "GRILL", ""],
    ]  # fmt: skip
    run = _upload(admin_client, "campaigns", rows, capture=django_capture_on_commit_callbacks)
    assert run.status == ImportRun.Status.PREVIEWED, run.errors

    page = admin_client.get(reverse("admin:imports_importrun_preview", args=[run.pk]))
    html = page.content.decode()

    saus = html.split('data-campaign="SAUS3"')[1].split("</dl>")[0]
    assert "Multibuy" in saus or "multibuy" in saus.lower()
    assert "3 for 2" in saus
    # Local (Copenhagen) times, as typed.
    assert "2031-06-01 00:00 \u2013 2031-06-15 18:00" in saus
    assert "Channels: WEB-DK" in saus and "Stores: DK-CPH01" in saus
    assert "Products: SAUSAGE" in saus
    # Every overlapping campaign, not only the first, each linked; the unrelated one not.
    assert ">GRILLWEEK</a>" in saus and ">SAUSAGEDAY</a>" in saus
    assert "ZZ-OTHER" not in saus
    assert "?q=GRILLWEEK" in saus

    spend = html.split('data-campaign="BIGSPEND"')[1].split("</dl>")[0]
    assert "50.00 DKK off over 300.00 DKK" in spend
    assert "until further notice" in spend
    assert "All channels" in spend and "All stores" in spend

    grill = html.split('data-campaign="GRILL20"')[1].split("</dl>")[0]
    assert "20% off" in grill
    assert "Categories: GRILL" in grill

    overlap = next(w for w in run.warnings if w["code"] == "campaign_overlap")
    messages = {r["message"] for r in overlap["rows"]}
    assert "SAUS3 overlaps 3 active campaigns: GRILL20, GRILLWEEK, SAUSAGEDAY" in messages


def test_preview_offer_texts_of_every_importable_kind():
    assert offer_text("percent_off", {"percent": "20"}, "") == "20% off"
    assert offer_text("amount_off", {"amount": "10.00"}, "DKK") == "10.00 DKK off"
    assert offer_text("fixed_price", {"price": "49.95"}, "SEK") == "49.95 SEK each"
    assert offer_text("multibuy", {"buy_quantity": "3", "pay_quantity": "2"}, "") == "3 for 2"
    assert offer_text("multibuy", {"buy_quantity": "2", "price": "100.00"}, "NOK") == (
        "2 for 100.00 NOK"
    )
    assert (
        offer_text(
            "mix_match",
            {"buy_quantity": "3", "percent": "20", "mix_benefit": "cheapest_percent"},
            "",
        )
        == "20% off the cheapest of 3"
    )
    assert offer_text("spend_threshold", {"percent": "10"}, "DKK") == "10% off"
    assert (
        offer_text("spend_threshold", {"amount": "50.00", "threshold_amount": "300.00"}, "")
        == "50.00 off over 300.00"
    )


def test_file_of_another_kind_says_which_kind_it_looks_like(
    admin_client, shop, django_capture_on_commit_callbacks
):
    rows = [["SAUS3", "Sausages", "multibuy", "3 for 2", "", "01.06.2031", "", "", "", "SAUSAGE",
             "", ""]]  # fmt: skip
    run = _upload(admin_client, "prices", rows, capture=django_capture_on_commit_callbacks)

    assert run.status == ImportRun.Status.FAILED
    assert [e["code"] for e in run.errors] == ["wrong_kind"]
    assert run.errors[0]["message"] == (
        "row 1: This looks like a campaigns file — choose Campaigns as the kind."
    )
    page = admin_client.get(reverse("admin:imports_importrun_preview", args=[run.pk]))
    assert "This looks like a campaigns file" in page.content.decode()


def test_headers_of_no_kind_still_name_each_bad_column(
    admin_client, shop, django_capture_on_commit_callbacks
):
    run = _upload(
        admin_client,
        "campaigns",
        [["X", "1"]],
        headers=["code", "colour"],
        capture=django_capture_on_commit_callbacks,
    )
    codes = {e["code"] for e in run.errors}
    assert "wrong_kind" not in codes
    assert {"missing_column", "unknown_column"} <= codes


def test_error_list_downloads_as_formula_safe_csv(
    admin_client, shop, django_capture_on_commit_callbacks
):
    rows = [
        ["BAD1", "Bad", "percent_off", "twenty", "", "01.06.2031", "", "", "", "SAUSAGE", "", ""],
        ["=HYPERLINK(1)", "Evil", "percent_off", "10%", "", "31.02.2031", "", "", "", "NOPE", "",
         ""],
    ]  # fmt: skip
    run = _upload(admin_client, "campaigns", rows, capture=django_capture_on_commit_callbacks)
    assert run.status == ImportRun.Status.FAILED
    preview = admin_client.get(reverse("admin:imports_importrun_preview", args=[run.pk]))
    csv_url = reverse("admin:imports_importrun_errors", args=[run.pk])
    assert csv_url in preview.content.decode()

    response = admin_client.get(csv_url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="import-{run.pk}-errors.csv"' in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == ["row", "column", "message"]
    body = table[1:]
    assert len(body) == len(run.errors) >= 3
    assert body[0][:2] == ["2", "offer"]
    assert "twenty" in body[0][2]
    columns = {(r[0], r[1]) for r in body}
    assert ("3", "valid_from") in columns and ("3", "products") in columns
    # Nothing in the file can run as a formula when the CSV is opened.
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in body for cell in r)

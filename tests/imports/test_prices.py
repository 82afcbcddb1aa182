"""Price imports: check, preview, confirm, apply all or nothing, with price history."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from imports.errors import ImportWarningsNotConfirmedError
from imports.models import ImportRun
from imports.services import import_run_confirm
from pricing.models import PriceChange, PriceList, PriceListEntry
from pricing.services.prices import price_entry_set
from retail.models import Product
from tests.factories import CategoryFactory, ProductFactory, VatClassFactory
from tests.imports.helpers import confirm, csv_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
HEADERS = ["price_list", "sku", "price", "valid_from", "valid_to"]
Status = ImportRun.Status


@pytest.fixture
def public():
    return PriceList.objects.create(code="PUBLIC-DK", name="Public DK", currency="DKK")


@pytest.fixture
def products():
    return [ProductFactory(sku=f"P-{i}", unit_cost_amount=Decimal("20")) for i in range(3)]


def test_prices_import_xlsx_happy_path_writes_entries_and_history(
    django_capture_on_commit_callbacks, public, products
):
    content = xlsx_bytes(
        HEADERS,
        [
            ["PUBLIC-DK", "P-0", "129,95", "01.07.2030", ""],
            [" PUBLIC-DK ", "P-1 ", 49.5, "2030-07-01", "31-12-2030"],
            ["PUBLIC-DK", "P-2", "1.234,50", "2030-07-01 06:00", None],
        ],
    )
    run = upload(django_capture_on_commit_callbacks, "prices", content, "prices.xlsx")

    assert run.status == Status.PREVIEWED, run.errors
    assert run.summary == {"new": 3, "changed": 0, "unchanged": 0, "deleted": 0, "errors": 0}
    assert run.progress_done == run.progress_total
    assert PriceListEntry.objects.count() == 0

    run = confirm(django_capture_on_commit_callbacks, run)

    assert run.status == Status.APPLIED
    entries = {e.product.sku: e for e in PriceListEntry.objects.select_related("product")}
    assert entries["P-0"].amount == Decimal("129.95")
    assert entries["P-0"].valid_from == datetime(2030, 7, 1, tzinfo=CPH)
    assert entries["P-1"].amount == Decimal("49.50")
    assert entries["P-1"].valid_to == datetime(2030, 12, 31, tzinfo=CPH)
    assert entries["P-2"].amount == Decimal("1234.50")
    assert entries["P-2"].valid_from == datetime(2030, 7, 1, 6, 0, tzinfo=CPH)
    history = PriceChange.objects.all()
    assert len(history) == 3
    assert {h.source for h in history} == {"import"}
    assert {h.reference for h in history} == {f"import run {run.pk}"}
    assert {h.changed_at for h in history} == {run.applied_at}


def test_prices_import_csv_with_bom_semicolons_and_decimal_commas(
    django_capture_on_commit_callbacks, public, products
):
    content = csv_bytes(
        HEADERS, [["PUBLIC-DK", "P-0", "12,50", "1-7-2030", ""]], delimiter=";", bom=True
    )
    run = upload(django_capture_on_commit_callbacks, "prices", content, "prices.csv")
    run = confirm(django_capture_on_commit_callbacks, run)

    assert run.status == Status.APPLIED
    assert PriceListEntry.objects.get().amount == Decimal("12.50")


def test_prices_import_one_bad_row_among_10000_names_row_and_column_and_writes_nothing(
    django_capture_on_commit_callbacks, public
):
    category, vat = CategoryFactory(), VatClassFactory()
    Product.objects.bulk_create(
        Product(sku=f"B-{i:05d}", name=f"Bulk {i}", category=category, vat_class=vat)
        for i in range(10_000)
    )
    rows = [["PUBLIC-DK", f"B-{i:05d}", "10,00", "2030-01-01", ""] for i in range(10_000)]
    rows[7342 - 2][2] = "12,5O"  # spreadsheet row 7342: row 1 is the header
    content = xlsx_bytes(HEADERS, rows)

    run = upload(django_capture_on_commit_callbacks, "prices", content, "big.xlsx")

    assert run.status == Status.FAILED
    assert run.errors == [
        {
            "row": 7342,
            "column": "price",
            "code": "invalid",
            "message": "row 7342, column 'price': '12,5O' is not a number",
        }
    ]
    assert PriceListEntry.objects.count() == 0
    assert PriceChange.objects.count() == 0


def test_prices_import_errors_name_unknown_sku_list_and_missing_column(
    django_capture_on_commit_callbacks, public, products
):
    content = csv_bytes(
        HEADERS,
        [["PUBLIC-DK", "NOPE", "10", "2030-01-01", ""], ["OTHER", "P-0", "10", "31.02.2030", ""]],
    )
    run = upload(django_capture_on_commit_callbacks, "prices", content, "bad.csv")

    assert run.status == Status.FAILED
    messages = [e["message"] for e in run.errors]
    assert "row 2, column 'sku': 'NOPE' is not a product" in messages
    assert "row 3, column 'valid_from': '31.02.2030' is not a real date" in messages
    assert "row 3, column 'price_list': 'OTHER' is not a price list" in messages

    missing = upload(
        django_capture_on_commit_callbacks,
        "prices",
        csv_bytes(["sku", "price"], [["P-0", "1"]]),
        "missing.csv",
    )
    assert missing.status == Status.FAILED
    assert "row 1, column 'price_list': this required column is missing" in [
        e["message"] for e in missing.errors
    ]


def _existing(public, product, amount, start):
    return price_entry_set(
        price_list=public, product=product, amount=Decimal(amount), valid_from=start, source="admin"
    )


def test_prices_preview_shows_field_diffs_and_warnings(
    django_capture_on_commit_callbacks, public, products
):
    start = datetime(2030, 1, 1, tzinfo=CPH)
    _existing(public, products[0], "100.00", start)
    _existing(public, products[1], "30.00", start)
    content = csv_bytes(
        HEADERS,
        [
            ["PUBLIC-DK", "P-0", "15,00", "2030-01-01", ""],  # -85% and below cost 20
            ["PUBLIC-DK", "P-2", "55.00", "2030-01-01", ""],  # new
            ["PUBLIC-DK", "P-1", "31.00", "2030-07-01", ""],  # new; closes the open price
        ],
    )
    run = upload(django_capture_on_commit_callbacks, "prices", content, "p.csv")

    assert run.status == Status.PREVIEWED, run.errors
    assert run.summary == {"new": 2, "changed": 2, "unchanged": 0, "deleted": 0, "errors": 0}
    diffs = {d["key"]: d for d in run.diff_sample}
    assert diffs["PUBLIC-DK / P-0 / 2030-01-01"]["changes"] == {"price": ["100.00", "15.00"]}
    assert diffs["PUBLIC-DK / P-1 / 2030-01-01"]["changes"] == {"valid_to": ["", "2030-07-01"]}
    assert diffs["PUBLIC-DK / P-1 / 2030-07-01"]["outcome"] == "new"
    warnings = {w["code"]: w for w in run.warnings}
    assert set(warnings) == {"price_below_cost", "price_change_large"}
    assert warnings["price_change_large"]["rows"][0]["row"] == 2
    assert "100.00 -> 15.00 (-85%)" in warnings["price_change_large"]["rows"][0]["message"]
    assert warnings["price_below_cost"]["count"] == 1

    run = confirm(django_capture_on_commit_callbacks, run)
    assert run.status == Status.APPLIED
    first, second = PriceListEntry.objects.filter(product=products[1]).order_by("valid_from")
    assert first.valid_to == second.valid_from == datetime(2030, 7, 1, tzinfo=CPH)


def test_prices_confirm_without_ticking_every_warning_is_refused(
    django_capture_on_commit_callbacks, public, products
):
    _existing(public, products[0], "100.00", datetime(2030, 1, 1, tzinfo=CPH))
    content = csv_bytes(HEADERS, [["PUBLIC-DK", "P-0", "15,00", "2030-01-01", ""]])
    run = upload(django_capture_on_commit_callbacks, "prices", content, "p.csv")

    with pytest.raises(ImportWarningsNotConfirmedError) as refused:
        import_run_confirm(run=run, confirmed_warnings=["price_below_cost"])

    assert refused.value.extra == {"unconfirmed": ["price_change_large"]}
    run.refresh_from_db()
    assert run.status == Status.PREVIEWED
    assert PriceListEntry.objects.get().amount == Decimal("100.00")


def test_prices_overlapping_period_is_an_error_naming_valid_from(
    django_capture_on_commit_callbacks, public, products
):
    start = datetime(2030, 1, 1, tzinfo=CPH)
    price_entry_set(
        price_list=public,
        product=products[0],
        amount=Decimal("10"),
        valid_from=start,
        valid_to=start + timedelta(days=60),
        source="admin",
    )
    content = csv_bytes(HEADERS, [["PUBLIC-DK", "P-0", "11", "2030-02-01", ""]])
    run = upload(django_capture_on_commit_callbacks, "prices", content, "p.csv")

    assert run.status == Status.FAILED
    assert run.errors[0]["row"] == 2
    assert run.errors[0]["column"] == "valid_from"


def test_prices_same_file_twice_is_a_noop_run(django_capture_on_commit_callbacks, public, products):
    content = csv_bytes(HEADERS, [["PUBLIC-DK", "P-0", "12", "2030-01-01", ""]])
    first = confirm(
        django_capture_on_commit_callbacks,
        upload(django_capture_on_commit_callbacks, "prices", content, "p.csv"),
    )
    again = upload(django_capture_on_commit_callbacks, "prices", content, "p-again.csv")

    assert first.status == Status.APPLIED
    assert again.status == Status.NOOP
    assert again.noop_of == first
    assert f"already applied by import #{first.pk}" in again.message
    assert PriceChange.objects.count() == 1


def test_prices_apply_rechecks_and_writes_nothing_when_the_data_changed(
    django_capture_on_commit_callbacks, public, products
):
    content = csv_bytes(
        HEADERS,
        [
            ["PUBLIC-DK", "P-0", "12", "2030-01-01", ""],
            ["PUBLIC-DK", "P-1", "12", "2030-01-01", ""],
        ],
    )
    run = upload(django_capture_on_commit_callbacks, "prices", content, "p.csv")
    # After the preview someone gives P-1 a closed period that the import now overlaps.
    price_entry_set(
        price_list=public,
        product=products[1],
        amount=Decimal("9"),
        valid_from=datetime(2029, 12, 1, tzinfo=CPH),
        valid_to=datetime(2030, 3, 1, tzinfo=CPH),
        source="admin",
    )
    run = confirm(django_capture_on_commit_callbacks, run)

    assert run.status == Status.FAILED
    assert run.errors[0]["row"] == 3
    assert not PriceListEntry.objects.filter(product=products[0]).exists()

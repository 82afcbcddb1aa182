"""An applied import counts the rows it wrote by kind, and its apply time; a failed one does not."""

from decimal import Decimal

import pytest
from prometheus_client import REGISTRY

from imports.models import ImportRun
from pricing.models import PriceList
from tests.factories import ProductFactory
from tests.imports.helpers import confirm, csv_bytes, upload

pytestmark = pytest.mark.django_db
HEADERS = ["price_list", "sku", "price", "valid_from", "valid_to"]


def figures() -> tuple[float, float]:
    rows = REGISTRY.get_sample_value("retail_import_rows_applied_total", {"kind": "prices"})
    runs = REGISTRY.get_sample_value("retail_import_apply_seconds_count", {"kind": "prices"})
    return rows or 0.0, runs or 0.0


@pytest.fixture
def products():
    PriceList.objects.create(code="PUBLIC-DK", name="Public DK", currency="DKK")
    return [ProductFactory(sku=f"P-{i}", unit_cost_amount=Decimal("20")) for i in range(3)]


def test_import_applied_counts_its_rows_and_times_the_apply(
    django_capture_on_commit_callbacks, products
):
    rows, runs = figures()
    content = csv_bytes(
        HEADERS, [["PUBLIC-DK", f"P-{i}", "49.50", "2030-07-01", ""] for i in range(3)]
    )
    run = upload(django_capture_on_commit_callbacks, "prices", content, "prices.csv")
    run = confirm(django_capture_on_commit_callbacks, run)
    assert run.status == ImportRun.Status.APPLIED
    assert figures() == (rows + 3, runs + 1)


def test_import_with_errors_counts_nothing(django_capture_on_commit_callbacks, products):
    before = figures()
    content = csv_bytes(HEADERS, [["PUBLIC-DK", "NO-SUCH", "49.50", "2030-07-01", ""]])
    run = upload(django_capture_on_commit_callbacks, "prices", content, "prices.csv")
    assert run.status != ImportRun.Status.APPLIED
    assert figures() == before

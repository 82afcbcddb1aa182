"""Validation and apply run as Celery jobs whose progress the admin and the API show."""

import time
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from imports.models import ImportRun
from imports.services import _publish, import_run_progress
from inventory.models import StockMovement
from inventory.services import stock_receive
from pricing.models import PriceChange, PriceList
from retail.models import Product
from tests.factories import (
    CategoryFactory,
    ChannelFactory,
    StoreFactory,
    VatClassFactory,
    make_api_client,
)
from tests.imports.helpers import confirm, csv_bytes, upload

HEADERS = ["price_list", "sku", "price", "valid_from", "valid_to"]


def _catalogue(n: int) -> None:
    category, vat = CategoryFactory(), VatClassFactory()
    Product.objects.bulk_create(
        Product(sku=f"J-{i:05d}", name=f"Job {i}", category=category, vat_class=vat)
        for i in range(n)
    )
    PriceList.objects.create(code="PUBLIC", name="Public", currency="DKK")


@pytest.mark.django_db
def test_jobs_progress_reaches_the_total_in_eager_mode(django_capture_on_commit_callbacks):
    _catalogue(5000)
    content = csv_bytes(
        HEADERS, [["PUBLIC", f"J-{i:05d}", "9,95", "2030-01-01", ""] for i in range(5000)]
    )

    run = upload(django_capture_on_commit_callbacks, "prices", content, "p.csv")
    assert (run.status, run.progress_done, run.progress_total) == ("previewed", 5000, 5000)

    run = confirm(django_capture_on_commit_callbacks, run)
    assert (run.status, run.progress_done, run.progress_total) == ("applied", 5000, 5000)
    assert import_run_progress(run) == (5000, 5000)


@pytest.mark.django_db
def test_jobs_progress_of_a_running_step_comes_from_the_cache(db):
    run = ImportRun.objects.create(
        kind="prices",
        status=ImportRun.Status.APPLYING,
        file_name="p.csv",
        file_sha256="0" * 64,
        created_at=datetime(2030, 1, 1, tzinfo=UTC),
        progress_total=10,
    )
    _publish(run.pk, 4, 10, to_db=False)  # what the apply publishes inside its transaction

    assert import_run_progress(run) == (4, 10)
    run.status = ImportRun.Status.APPLIED
    run.progress_done = 10
    assert import_run_progress(run) == (10, 10)


@pytest.mark.django_db
def test_jobs_stock_count_import_moves_stock_only_through_the_ledger(
    django_capture_on_commit_callbacks,
):
    store = StoreFactory(code="S-1")
    _catalogue(3)
    products = list(Product.objects.order_by("sku"))
    stock_receive(location=store, product=products[0], quantity=5, source_key="k1")
    content = csv_bytes(["store", "sku", "counted"], [["S-1", p.sku, 2] for p in products])

    run = confirm(
        django_capture_on_commit_callbacks,
        upload(django_capture_on_commit_callbacks, "stock_counts", content, "c.csv"),
    )

    assert run.status == "applied"
    from inventory.invariant import stock_drift

    assert stock_drift() == []
    assert StockMovement.objects.filter(kind="count_correction").count() == 3


@pytest.fixture
def shared_media(settings, monkeypatch):
    """The worker process must find uploads where the test stores them."""
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(settings.MEDIA_ROOT))


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_jobs_a_real_worker_validates_and_applies_with_visible_progress(shared_media, request):
    from retail.celery import app

    queue = request.getfixturevalue("celery_worker_process")
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    _catalogue(3000)
    _, key = make_api_client(channel=ChannelFactory(code="POS-DK", kind="pos"), name="ERP")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    rows = [["PUBLIC", f"J-{i:05d}", "19,95", "2030-01-01", ""] for i in range(3000)]
    body = csv_bytes(HEADERS, rows)

    def wait_for(run_id, statuses):
        seen, deadline = [], time.monotonic() + 90
        while time.monotonic() < deadline:
            run = api.get(f"/api/v1/imports/runs/{run_id}/").json()
            seen.append(run["progress"]["percent"])
            if run["status"] in statuses:
                return run, seen
            time.sleep(0.1)
        pytest.fail(f"run {run_id} stuck: {run}")

    try:
        sent = api.post(
            "/api/v1/imports/runs/",
            {"kind": "prices", "file": SimpleUploadedFile("p.csv", body)},
            format="multipart",
        )
        assert sent.status_code == 202, sent.json()
        assert sent.json()["status"] == "uploaded"  # the request returned before the check
        run, seen = wait_for(sent.json()["id"], ("previewed", "failed", "noop"))
        assert run["status"] == "previewed", run
        assert run["progress"] == {"done": 3000, "total": 3000, "percent": 100}
        numbers = [p for p in seen if p is not None]
        assert numbers == sorted(numbers)

        confirmed = api.post(f"/api/v1/imports/runs/{run['id']}/confirm/", {}, format="json")
        assert confirmed.status_code == 202, confirmed.json()
        run, _ = wait_for(run["id"], ("applied", "failed"))
        assert run["status"] == "applied", run
        assert PriceChange.objects.filter(source="import").count() == 3000
    finally:
        app.conf.task_default_queue = default_queue

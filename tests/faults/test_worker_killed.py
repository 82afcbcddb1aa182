"""A Celery worker killed with SIGKILL in the middle of a stock feed and of an import: the
message comes back, the rerun finishes, and the end state is that of one clean run.

Real workers on a Redis of the test's own.  The recovery is the production one, nothing
the test does by hand: tasks are acknowledged late (``CELERY_TASK_ACKS_LATE``), so the
killed worker's message stays unacknowledged, and Redis hands it to the next worker once
the visibility timeout has passed (``CELERY_VISIBILITY_TIMEOUT``, an hour in production,
3 s here).  A stock feed resumes after its last committed chunk; an import's single
transaction died with the worker and is applied again from the start.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.base import ContentFile

from imports.models import ImportRun
from imports.services import import_run_confirm, import_run_create, import_run_progress
from inventory.invariant import stock_drift
from inventory.models import StockFeedRun, StockLevel, StockMovement
from inventory.services import stock_receive
from inventory.sync import stock_feed_submit
from inventory.sync.feed import line_key_prefix
from retail.models import Product
from tests.factories import CategoryFactory, StoreFactory, VatClassFactory
from tests.faults.services import wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.own_redis,
    pytest.mark.django_db(transaction=True),
]

# Small chunks and a short visibility timeout, so the kill lands mid-way and the
# redelivery comes within seconds.
WORKER_ENV = {
    "INVENTORY_FEED_CHUNK_SIZE": "100",
    "CELERY_VISIBILITY_TIMEOUT": "3",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
}


def catalogue(n: int, prefix: str) -> list[Product]:
    category, vat = CategoryFactory(), VatClassFactory()
    Product.objects.bulk_create(
        Product(sku=f"{prefix}-{i:05d}", name=f"Item {i}", category=category, vat_class=vat)
        for i in range(n)
    )
    return list(Product.objects.filter(sku__startswith=f"{prefix}-").order_by("sku"))


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def on_hand_by_pair() -> dict[tuple[int, int], int]:
    """Units on hand per (location, product) where there are any."""
    return {
        (level.location_id, level.product_id): level.on_hand
        for level in StockLevel.objects.filter(on_hand__gt=0)
    }


def test_worker_killed_mid_stock_feed_the_redelivered_run_ends_as_one_clean_run(media, make_worker):
    stores = [StoreFactory(code=f"DK-K{i:02d}") for i in range(10)]
    products = catalogue(1000, "FEED")
    for product in products[:100]:  # some stock before the feed: it sets, not adds
        stock_receive(
            location=stores[0], product=product, quantity=5, source_key=f"seed-{product.pk}"
        )
    before = on_hand_by_pair()
    rows, expected = [], dict(before)
    for i, store in enumerate(stores):
        for j, product in enumerate(products):
            quantity = (i * 7 + j) % 13
            rows.append([store.code, product.sku, quantity])
            expected[(store.pk, product.pk)] = quantity
    changed = sum(1 for pair, qty in expected.items() if before.get(pair, 0) != qty)
    first = make_worker(**WORKER_ENV)

    run = stock_feed_submit(
        kind="snapshot",
        source="erp",
        feed_id="erp-killed",
        file=ContentFile(csv_text(["store", "sku", "quantity"], rows).encode(), name="k.csv"),
    )
    wait_for(
        lambda: StockFeedRun.objects.get(pk=run.pk).rows_read >= 1000,
        timeout=60,
        what="the first chunks",
        interval=0.01,
    )
    first.kill()
    killed = StockFeedRun.objects.get(pk=run.pk)
    feed_moves = StockMovement.objects.filter(source_key__startswith=line_key_prefix(run.feed_id))
    assert killed.status == "running"
    assert 1000 <= killed.rows_read < killed.rows_total == 10_000, killed.rows_read
    assert 0 < feed_moves.count() < changed  # what committed before the kill, no more
    assert stock_drift() == []

    make_worker(**WORKER_ENV)  # a new worker; nobody resends anything
    wait_for(
        lambda: StockFeedRun.objects.get(pk=run.pk).status in ("succeeded", "failed"),
        timeout=60,
        what="the redelivered feed",
        interval=0.2,
    )
    done = StockFeedRun.objects.get(pk=run.pk)
    assert (done.status, done.rows_read, done.rows_changed) == ("succeeded", 10_000, changed)
    assert on_hand_by_pair() == {pair: qty for pair, qty in expected.items() if qty}
    assert feed_moves.count() == changed  # one movement per changed row, none twice
    assert stock_drift() == []


def test_worker_killed_mid_import_the_redelivered_apply_writes_it_once(media, make_worker):
    store = StoreFactory(code="DK-KIMP")
    products = catalogue(1200, "COUNT")
    counts = {product.pk: index % 9 + 1 for index, product in enumerate(products)}
    content = csv_text(
        ["store", "sku", "counted"], [[store.code, p.sku, counts[p.pk]] for p in products]
    ).encode()
    first = make_worker(**WORKER_ENV)

    run = import_run_create(kind="stock_counts", file=content, file_name="counts.csv")
    wait_for(
        lambda: ImportRun.objects.get(pk=run.pk).status == "previewed",
        timeout=60,
        what="the validation",
        interval=0.1,
    )
    run = import_run_confirm(run=ImportRun.objects.get(pk=run.pk), confirmed_warnings=[])
    wait_for(
        lambda: import_run_progress(ImportRun.objects.get(pk=run.pk))[0] >= 500,
        timeout=60,
        what="the apply under way",
        interval=0.01,
    )
    first.kill()
    killed = ImportRun.objects.get(pk=run.pk)
    import_moves = StockMovement.objects.filter(source_key__startswith=f"import:{run.pk}:")
    assert killed.status == "applying"
    assert import_moves.count() == 0  # its one transaction died with the worker
    assert StockLevel.objects.filter(location=store).count() == 0

    make_worker(**WORKER_ENV)
    wait_for(
        lambda: ImportRun.objects.get(pk=run.pk).status in ("applied", "failed"),
        timeout=90,
        what="the redelivered apply",
        interval=0.2,
    )
    done = ImportRun.objects.get(pk=run.pk)
    assert done.status == "applied", done.message
    assert import_moves.count() == 1200  # one count correction per row, none twice
    levels = dict(StockLevel.objects.filter(location=store).values_list("product_id", "on_hand"))
    assert levels == counts
    assert stock_drift() == []
